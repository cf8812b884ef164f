// One trust source, read from its files: a SPIFFE trust domain (a SPIFFE bundle file, or a PEM CA
// file bound to the domain) or a plain trust anchor (a PEM CA file), each with its CRL files.
// Everything is validated before the source is returned, so a reload either yields a complete,
// checked source or an error — never half of one.
import { readFileSync } from 'node:fs';
import type { JwtAuthority } from './bundle.ts';
import { parseBundleFile } from './bundle.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';
import { CrlSet, type ParsedCrl, parseCrl } from './crl.ts';
import { describeName, sameBytes } from './names.ts';
import { parsePem } from './pem.ts';

export type TrustSourceKind = 'trustDomain' | 'trustAnchor';

export interface TrustSourceConfig {
  readonly kind: TrustSourceKind;
  /** The trust domain name, or the trust anchor's name. */
  readonly name: string;
  readonly bundleFile?: string | undefined;
  readonly caFile?: string | undefined;
  readonly crlFiles: readonly string[];
}

export interface TrustSource {
  readonly kind: TrustSourceKind;
  readonly name: string;
  readonly anchors: readonly ParsedCertificate[];
  /** JWT-SVID keys by kid (SPIFFE bundles only). */
  readonly jwtAuthorities: ReadonlyMap<string, JwtAuthority>;
  readonly crls: CrlSet;
  /** Every file the source was read from (watched for changes). */
  readonly files: readonly string[];
  readonly sequence: number | undefined;
}

export class TrustSourceError extends Error {
  constructor(source: string, message: string, options?: ErrorOptions) {
    super(`${source}: ${message}`, options);
    this.name = 'TrustSourceError';
  }
}

export function loadTrustSource(config: TrustSourceConfig): TrustSource {
  const label = `${config.kind} ${config.name}`;
  const read = (file: string) => {
    try {
      return readFileSync(file);
    } catch (cause) {
      throw new TrustSourceError(label, `cannot read ${file}`, { cause });
    }
  };
  const fail = (file: string, cause: unknown): never => {
    throw new TrustSourceError(label, `${file}: ${(cause as Error).message}`, { cause });
  };
  let anchors: ParsedCertificate[] = [];
  let jwtAuthorities: ReadonlyMap<string, JwtAuthority> = new Map();
  let sequence: number | undefined;
  if (config.bundleFile !== undefined) {
    try {
      const bundle = parseBundleFile(read(config.bundleFile).toString('utf8'), config.name);
      anchors = [...bundle.x509Authorities];
      jwtAuthorities = bundle.jwtAuthorities;
      sequence = bundle.sequence;
    } catch (cause) {
      if (cause instanceof TrustSourceError) throw cause;
      fail(config.bundleFile, cause);
    }
  } else if (config.caFile !== undefined) {
    try {
      anchors = parsePem(read(config.caFile).toString('utf8'), 'CERTIFICATE').map(parseCertificate);
    } catch (cause) {
      if (cause instanceof TrustSourceError) throw cause;
      fail(config.caFile, cause);
    }
  }
  for (const anchor of anchors) {
    // A leaf pasted in as an anchor would let that one certificate sign anything below it.
    if (!anchor.extensions.basicConstraints?.ca)
      throw new TrustSourceError(label, `anchor ${describeName(anchor.subject)} is not a CA`);
  }
  const crls: ParsedCrl[] = [];
  for (const file of config.crlFiles) {
    try {
      const bytes = read(file);
      const ders = bytes.subarray(0, 10).toString('latin1').startsWith('-----BEGIN')
        ? parsePem(bytes.toString('utf8'), 'X509 CRL')
        : [new Uint8Array(bytes)];
      crls.push(...ders.map(parseCrl));
    } catch (cause) {
      if (cause instanceof TrustSourceError) throw cause;
      fail(file, cause);
    }
  }
  const crlSet = new CrlSet(crls);
  // A CRL of an anchor is checked now, so a wrong file fails at start, not at the first login.
  for (const crl of crls) {
    const anchor = anchors.find((a) => sameBytes(a.subject.der, crl.issuer.der));
    if (anchor && !crlSet.verifiedBy(crl, anchor))
      throw new TrustSourceError(label, `CRL of ${describeName(crl.issuer)} does not verify`);
  }
  return Object.freeze({
    kind: config.kind,
    name: config.name,
    anchors,
    jwtAuthorities,
    crls: crlSet,
    files: [config.bundleFile, config.caFile, ...config.crlFiles].filter(
      (f): f is string => f !== undefined,
    ),
    sequence,
  });
}
