// Decodes the extensions rolegate acts on — basicConstraints, keyUsage, extKeyUsage,
// subjectAltName, nameConstraints — strictly (DER round trip, no duplicates, no empty lists). Any
// other extension is kept as {oid, critical} so the rules can refuse an unknown critical one.
import { AsnConvert, AsnParser } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  ExtendedKeyUsage,
  type Extensions,
  type GeneralName,
  type GeneralSubtrees,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  NameConstraints,
  SubjectAlternativeName,
} from '@peculiar/asn1-x509';
import { type ParsedName, readName, sameBytes } from './names.ts';

/** The RFC 5280 extension OIDs, as @peculiar/asn1-x509 names them. */
export const EXT = {
  basicConstraints: id_ce_basicConstraints,
  keyUsage: id_ce_keyUsage,
  extKeyUsage: id_ce_extKeyUsage,
  subjectAltName: id_ce_subjectAltName,
  nameConstraints: id_ce_nameConstraints,
  subjectKeyIdentifier: id_ce_subjectKeyIdentifier,
  authorityKeyIdentifier: id_ce_authorityKeyIdentifier,
} as const;

/** Extensions whose meaning rolegate applies; a critical extension outside this set is refused. */
export const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(EXT));

export const KEY_USAGE = { digitalSignature: 1, keyCertSign: 32, cRLSign: 64 } as const;
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export type GeneralNameValue =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: string }
  | { readonly kind: 'dirName'; readonly value: ParsedName }
  | { readonly kind: 'other' };

export interface CertificateExtensions {
  readonly all: readonly { readonly oid: string; readonly critical: boolean }[];
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen: number | undefined };
  readonly keyUsage?: { readonly flags: number; readonly critical: boolean };
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltName?: {
    readonly names: readonly GeneralNameValue[];
    readonly critical: boolean;
  };
  readonly nameConstraints?: {
    readonly permitted: readonly GeneralNameValue[];
    readonly excluded: readonly GeneralNameValue[];
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Throws an Error naming the problem; the caller turns it into `cert.malformed`. */
export function decodeExtensions(extensions: Extensions | undefined): CertificateExtensions {
  const out: Mutable<CertificateExtensions> = { all: [] };
  const seen = new Set<string>();
  for (const ext of extensions ?? []) {
    if (seen.has(ext.extnID)) throw new Error(`extension ${ext.extnID} appears twice`);
    seen.add(ext.extnID);
    (out.all as { oid: string; critical: boolean }[]).push({
      oid: ext.extnID,
      critical: ext.critical,
    });
    const value = new Uint8Array(ext.extnValue.buffer);
    switch (ext.extnID) {
      case EXT.basicConstraints: {
        const bc = strict(value, BasicConstraints);
        if (!bc.cA && bc.pathLenConstraint !== undefined)
          throw new Error('pathLenConstraint on a non-CA');
        out.basicConstraints = { ca: bc.cA, pathLen: bc.pathLenConstraint };
        break;
      }
      case EXT.keyUsage:
        out.keyUsage = { flags: strict(value, KeyUsage).toNumber(), critical: ext.critical };
        break;
      case EXT.extKeyUsage: {
        const eku = [...strict(value, ExtendedKeyUsage)];
        if (eku.length === 0) throw new Error('empty extKeyUsage');
        out.extKeyUsage = eku;
        break;
      }
      case EXT.subjectAltName: {
        const names = [...strict(value, SubjectAlternativeName)];
        if (names.length === 0) throw new Error('empty subjectAltName');
        out.subjectAltName = { names: names.map(generalName), critical: ext.critical };
        break;
      }
      case EXT.nameConstraints:
        out.nameConstraints = nameConstraints(strict(value, NameConstraints));
        break;
    }
  }
  return out;
}

function nameConstraints(nc: NameConstraints): CertificateExtensions['nameConstraints'] {
  const subtrees = (list: GeneralSubtrees | undefined) =>
    Array.from(list ?? [], (subtree) => {
      // RFC 5280 §4.2.1.10: minimum is 0 and maximum absent; anything else has no defined meaning.
      if (subtree.minimum !== 0 || subtree.maximum !== undefined)
        throw new Error('name constraint with minimum or maximum');
      return generalName(subtree.base);
    });
  const permitted = subtrees(nc.permittedSubtrees);
  const excluded = subtrees(nc.excludedSubtrees);
  if (permitted.length === 0 && excluded.length === 0) throw new Error('empty nameConstraints');
  return { permitted, excluded };
}

function generalName(name: GeneralName): GeneralNameValue {
  if (name.dNSName !== undefined) return { kind: 'dns', value: name.dNSName };
  if (name.uniformResourceIdentifier !== undefined)
    return { kind: 'uri', value: name.uniformResourceIdentifier };
  if (name.rfc822Name !== undefined) return { kind: 'email', value: name.rfc822Name };
  if (name.iPAddress !== undefined) return { kind: 'ip', value: name.iPAddress };
  if (name.directoryName !== undefined)
    return { kind: 'dirName', value: readName(name.directoryName) };
  return { kind: 'other' };
}

/** Parses `der` as `type` and insists that re-encoding gives the same bytes (DER, nothing after). */
export function strict<T>(der: Uint8Array, type: new () => T): T {
  const parsed = AsnParser.parse(der, type);
  if (!sameBytes(new Uint8Array(AsnConvert.serialize(parsed)), der))
    throw new Error(`${type.name} is not DER`);
  return parsed;
}
