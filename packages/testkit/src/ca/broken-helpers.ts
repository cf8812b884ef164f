// Shared steps of the broken-certificate catalogue: extension sets with one thing changed, DER
// mutations of an issued leaf, and certificates built outside any authority (cycles, self-signed).

import type { TestAuthority, TestCertificate, TestLeaf } from './authority.ts';
import { buildCertificate } from './cert-builder.ts';
import {
  authorityKeyIdentifier,
  basicConstraints,
  type CertExtension,
  extKeyUsage,
  type GeneralNameSpec,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.ts';
import type { DistinguishedName } from './names.ts';
import { derToPem } from './pem.ts';
import type { TestKey } from './test-key.ts';

/** Each part of a leaf's extensions: an extension to use instead, or `null` to leave it out. */
export interface LeafExtensionParts {
  readonly basicConstraints?: CertExtension | null;
  readonly keyUsage?: CertExtension | null;
  readonly extKeyUsage?: CertExtension | null;
  readonly subjectAltName?: CertExtension | null;
  readonly extra?: readonly CertExtension[];
}

/** The extensions of a good SVID or client leaf, with the parts given replaced. */
export function leafExtensions(
  sans: readonly GeneralNameSpec[],
  parts: LeafExtensionParts = {},
): CertExtension[] {
  const pick = (part: CertExtension | null | undefined, fallback: CertExtension) =>
    part === null ? [] : [part ?? fallback];
  return [
    ...pick(parts.basicConstraints, basicConstraints(false)),
    ...pick(parts.keyUsage, keyUsage(['digitalSignature'])),
    ...pick(parts.extKeyUsage, extKeyUsage(['clientAuth', 'serverAuth'])),
    ...(sans.length === 0 ? [] : pick(parts.subjectAltName, subjectAltName(sans))),
    ...(parts.extra ?? []),
  ];
}

/** The extensions of a good CA certificate, with the parts given replaced. */
export function caExtensions(
  key: TestKey,
  issuer: TestKey | undefined,
  parts: {
    readonly basicConstraints?: CertExtension | null;
    readonly keyUsage?: CertExtension | null;
    readonly extra?: readonly CertExtension[];
  } = {},
): CertExtension[] {
  const out: CertExtension[] = [];
  if (parts.basicConstraints !== null) out.push(parts.basicConstraints ?? basicConstraints(true));
  if (parts.keyUsage !== null) out.push(parts.keyUsage ?? keyUsage(['keyCertSign', 'cRLSign']));
  out.push(subjectKeyIdentifier(key.spki));
  if (issuer) out.push(authorityKeyIdentifier(issuer.spki));
  out.push(...(parts.extra ?? []));
  return out;
}

/** The same leaf with other DER bytes (the chain after it unchanged). */
export function withLeafDer(leaf: TestLeaf, der: Uint8Array): TestLeaf {
  const base64 = Buffer.from(der).toString('base64');
  const cert: TestCertificate = { ...leaf, der, base64, pem: derToPem(der, 'CERTIFICATE') };
  const chain = [cert, ...leaf.chain.slice(1)];
  return Object.freeze({
    ...cert,
    chain,
    x5c: [base64, ...leaf.x5c.slice(1)],
    chainPem: chain.map((c) => c.pem).join(''),
  });
}

/** The same leaf presented with another list of certificates after it. */
export function withChain(leaf: TestLeaf, rest: readonly TestCertificate[]): TestLeaf {
  const chain = [leaf.chain[0]!, ...rest];
  return Object.freeze({
    ...leaf,
    chain,
    x5c: chain.map((c) => c.base64),
    chainPem: chain.map((c) => c.pem).join(''),
  });
}

/** A certificate built from scratch (outside any authority), for cycles and self-signed leaves. */
export function rawCertificate(spec: {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly key: TestKey;
  readonly signingKey: TestKey;
  readonly extensions: readonly CertExtension[];
  readonly now: Date;
}): TestCertificate {
  const notBefore = new Date(spec.now.getTime() - 5 * 60_000);
  const notAfter = new Date(spec.now.getTime() + 86_400_000);
  const serial = BigInt(1 + Math.floor(Math.random() * 1e9));
  const der = buildCertificate({
    subject: spec.subject,
    issuer: spec.issuer,
    publicKey: spec.key.spki,
    signingKey: spec.signingKey.privateKey,
    serial,
    notBefore,
    notAfter,
    extensions: spec.extensions,
  });
  return Object.freeze({
    der,
    pem: derToPem(der, 'CERTIFICATE'),
    base64: Buffer.from(der).toString('base64'),
    key: spec.key,
    subject: spec.subject,
    serial,
    notBefore,
    notAfter,
  });
}

/** Presents a raw certificate as a leaf with the given certificates after it. */
export function asLeaf(cert: TestCertificate, rest: readonly TestCertificate[]): TestLeaf {
  const chain = [cert, ...rest];
  return Object.freeze({
    ...cert,
    chain,
    x5c: chain.map((c) => c.base64),
    chainPem: chain.map((c) => c.pem).join(''),
  });
}

/** An authority's certificate alone (what goes in a bundle or a CA file). */
export function certificateOf(authority: TestAuthority): TestCertificate {
  const { der, pem, base64, key, subject, serial, notBefore, notAfter } = authority;
  return { der, pem, base64, key, subject, serial, notBefore, notAfter };
}
