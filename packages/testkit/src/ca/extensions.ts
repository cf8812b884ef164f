// Certificate extensions as plain data ({oid, critical, DER value}), encoded by @peculiar/asn1-x509.
// Kept apart from the certificate so a hostile test can add any of them twice, mark one critical
// that should not be, or put raw bytes under any OID.
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/asn1-x509';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
} from '@peculiar/asn1-x509';
import { type DistinguishedName, toAsnName } from './names.ts';

export interface CertExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension value (what goes inside extnValue's OCTET STRING), DER. */
  readonly value: Uint8Array;
}

/** One name of a subject alternative name or a name constraint. */
export type GeneralNameSpec =
  | { readonly uri: string }
  | { readonly dns: string }
  | { readonly ip: string }
  | { readonly email: string }
  | { readonly dirName: DistinguishedName };

export type KeyUsageName = keyof typeof KeyUsageFlags;

/** The OIDs the CA writes, as @peculiar/asn1-x509 names them (RFC 5280). */
export const OID = {
  basicConstraints: x509.id_ce_basicConstraints,
  keyUsage: x509.id_ce_keyUsage,
  extKeyUsage: x509.id_ce_extKeyUsage,
  subjectAltName: x509.id_ce_subjectAltName,
  nameConstraints: x509.id_ce_nameConstraints,
  subjectKeyIdentifier: x509.id_ce_subjectKeyIdentifier,
  authorityKeyIdentifier: x509.id_ce_authorityKeyIdentifier,
  clientAuth: x509.id_kp_clientAuth,
  serverAuth: x509.id_kp_serverAuth,
  anyExtendedKeyUsage: x509.anyExtendedKeyUsage,
} as const;

const der = (value: unknown) => new Uint8Array(AsnConvert.serialize(value));

export function basicConstraints(ca: boolean, pathLen?: number, critical = true): CertExtension {
  const value = new BasicConstraints({ cA: ca });
  if (pathLen !== undefined) value.pathLenConstraint = pathLen;
  return { oid: OID.basicConstraints, critical, value: der(value) };
}

export function keyUsage(usages: readonly KeyUsageName[], critical = true): CertExtension {
  const flags = usages.reduce((all, usage) => all | KeyUsageFlags[usage], 0);
  return { oid: OID.keyUsage, critical, value: der(new KeyUsage(flags)) };
}

/** Purposes by OID, or the names `clientAuth`, `serverAuth`, `anyExtendedKeyUsage`. */
export function extKeyUsage(purposes: readonly string[], critical = false): CertExtension {
  const oids = purposes.map((p) => (OID as Record<string, string>)[p] ?? p);
  return { oid: OID.extKeyUsage, critical, value: der(new ExtendedKeyUsage(oids)) };
}

export function subjectAltName(names: readonly GeneralNameSpec[], critical = false): CertExtension {
  return {
    oid: OID.subjectAltName,
    critical,
    value: der(new SubjectAlternativeName(names.map(toGeneralName))),
  };
}

export function nameConstraints(
  subtrees: {
    readonly permitted?: readonly GeneralNameSpec[];
    readonly excluded?: readonly GeneralNameSpec[];
  },
  critical = true,
): CertExtension {
  const build = (names: readonly GeneralNameSpec[] | undefined) =>
    names === undefined
      ? undefined
      : new GeneralSubtrees(names.map((n) => new GeneralSubtree({ base: toGeneralName(n) })));
  const value = new NameConstraints();
  const permitted = build(subtrees.permitted);
  const excluded = build(subtrees.excluded);
  if (permitted) value.permittedSubtrees = permitted;
  if (excluded) value.excludedSubtrees = excluded;
  return { oid: OID.nameConstraints, critical, value: der(value) };
}

export function subjectKeyIdentifier(spki: Uint8Array): CertExtension {
  return {
    oid: OID.subjectKeyIdentifier,
    critical: false,
    value: der(new SubjectKeyIdentifier(keyId(spki))),
  };
}

export function authorityKeyIdentifier(issuerSpki: Uint8Array): CertExtension {
  const value = new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(issuerSpki)) });
  return { oid: OID.authorityKeyIdentifier, critical: false, value: der(value) };
}

/** Any bytes under any OID: unknown extensions, broken encodings. */
export function rawExtension(oid: string, critical: boolean, value: Uint8Array): CertExtension {
  return { oid, critical, value };
}

export function toGeneralName(name: GeneralNameSpec): GeneralName {
  if ('uri' in name) return new GeneralName({ uniformResourceIdentifier: name.uri });
  if ('dns' in name) return new GeneralName({ dNSName: name.dns });
  if ('ip' in name) return new GeneralName({ iPAddress: name.ip });
  if ('email' in name) return new GeneralName({ rfc822Name: name.email });
  return new GeneralName({ directoryName: toAsnName(name.dirName) });
}

// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING. An identifier, not a
// security function.
function keyId(spki: Uint8Array): Uint8Array {
  const bits = AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey;
  return new Uint8Array(createHash('sha1').update(new Uint8Array(bits)).digest());
}
