// A test PKI: root and intermediate authorities that issue SPIFFE X.509-SVIDs, plain client
// certificates and CRLs. Every certificate can be bent through the same options (validity, serial,
// extensions, signature algorithm), which is how the broken variants in broken-certs.ts are made.
import { randomBytes } from 'node:crypto';
import { buildCertificate, type CertSignatureAlgorithm } from './cert-builder.ts';
import { buildCrl, type CrlOptions, type TestCrl } from './crl-builder.ts';
import {
  authorityKeyIdentifier,
  basicConstraints,
  type CertExtension,
  extKeyUsage,
  type GeneralNameSpec,
  keyUsage,
  nameConstraints,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.ts';
import { type DistinguishedName, dn } from './names.ts';
import { derToPem } from './pem.ts';
import { generateTestKey, type TestKey, type TestKeyType } from './test-key.ts';

export interface TestCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  /** Standard base64 of the DER, as an `x5c` entry. */
  readonly base64: string;
  /** The subject's key pair. */
  readonly key: TestKey;
  readonly subject: DistinguishedName;
  readonly serial: bigint | Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface TestLeaf extends TestCertificate {
  /** Leaf then the issuing intermediates (never the root), as base64 DER: a JWS `x5c`. */
  readonly x5c: readonly string[];
  /** Leaf then the issuing intermediates (never the root). */
  readonly chain: readonly TestCertificate[];
  readonly chainPem: string;
}

/** Everything a certificate can be bent in. Unset fields take the authority's defaults. */
export interface IssueOptions {
  readonly subject?: DistinguishedName;
  /** The subject's key; default a fresh key of `keyType`. */
  readonly key?: TestKey;
  /** Default `ec-p256`. */
  readonly keyType?: TestKeyType;
  readonly serial?: bigint | Uint8Array;
  /** Start of validity. Default: `now` less 5 minutes. */
  readonly notBefore?: Date;
  /** End of validity. Default: `notBefore` + `validityDays`. */
  readonly notAfter?: Date;
  /** Default 1 for leaves, 365 for authorities. */
  readonly validityDays?: number;
  readonly version?: 1 | 2 | 3;
  readonly signatureAlgorithm?: CertSignatureAlgorithm;
  readonly outerSignatureAlgorithm?: CertSignatureAlgorithm;
  /** Replaces the default extensions entirely. */
  readonly extensions?: readonly CertExtension[];
  /** Added after the default extensions. */
  readonly extraExtensions?: readonly CertExtension[];
  /** Reference time. Default: now. */
  readonly now?: Date;
}

export interface AuthorityOptions extends IssueOptions {
  /** basicConstraints pathLenConstraint; default none. */
  readonly pathLen?: number;
  /** Name constraints this authority puts on everything below it. */
  readonly nameConstraints?: {
    readonly permitted?: readonly GeneralNameSpec[];
    readonly excluded?: readonly GeneralNameSpec[];
  };
}

export interface LeafOptions extends IssueOptions {
  /** Subject alternative names, in order. */
  readonly sans?: readonly GeneralNameSpec[];
  /** Default false. */
  readonly sanCritical?: boolean;
}

export interface TestAuthority extends TestCertificate {
  /** The root this authority chains to (itself for a root). */
  readonly root: TestCertificate;
  /** This authority and the intermediates above it, up to but excluding the root. */
  readonly intermediates: readonly TestCertificate[];
  createIntermediate(options?: AuthorityOptions): TestAuthority;
  /** A client certificate: digitalSignature, clientAuth, the given subject and SANs. */
  issueLeaf(options?: LeafOptions): TestLeaf;
  /** An X.509-SVID for `spiffeId` (its only URI SAN), as SPIRE issues them. */
  issueSvid(spiffeId: string, options?: LeafOptions): TestLeaf;
  issueCrl(options?: CrlOptions): TestCrl;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export function createRootAuthority(options: AuthorityOptions = {}): TestAuthority {
  const key = options.key ?? generateTestKey(options.keyType);
  const subject = options.subject ?? dn(['O', 'rolegate test'], ['CN', 'test root CA']);
  const cert = issue(options, { subject, key, issuer: subject, signingKey: key, isCa: true });
  return authority(cert, cert, []);
}

function authority(
  cert: TestCertificate,
  root: TestCertificate,
  above: readonly TestCertificate[],
): TestAuthority {
  const intermediates = cert === root ? [] : [cert, ...above];
  const leaf = (options: LeafOptions, defaults: { subject: DistinguishedName }): TestLeaf => {
    const key = options.key ?? generateTestKey(options.keyType);
    const issued = issue(options, {
      subject: options.subject ?? defaults.subject,
      key,
      issuer: cert.subject,
      signingKey: cert.key,
      issuerSpki: cert.key.spki,
      sans: options.sans,
      sanCritical: options.sanCritical,
    });
    const chain = [issued, ...intermediates];
    return Object.freeze({
      ...issued,
      chain,
      x5c: chain.map((c) => c.base64),
      chainPem: chain.map((c) => c.pem).join(''),
    });
  };
  return Object.freeze({
    ...cert,
    root,
    intermediates,
    createIntermediate(options: AuthorityOptions = {}) {
      const key = options.key ?? generateTestKey(options.keyType);
      // A name of its own: two CAs with one name would chain to each other by name alone.
      const subject =
        options.subject ??
        dn(
          ['O', 'rolegate test'],
          ['CN', `test intermediate CA ${randomBytes(4).toString('hex')}`],
        );
      const issued = issue(options, {
        subject,
        key,
        issuer: cert.subject,
        signingKey: cert.key,
        issuerSpki: cert.key.spki,
        isCa: true,
      });
      return authority(issued, root, intermediates);
    },
    issueLeaf(options: LeafOptions = {}) {
      return leaf(options, { subject: dn(['CN', 'test client']) });
    },
    issueSvid(spiffeId: string, options: LeafOptions = {}) {
      return leaf(
        { ...options, sans: options.sans ?? [{ uri: spiffeId }] },
        { subject: dn(['C', 'US'], ['O', 'SPIRE']) },
      );
    },
    issueCrl(options: CrlOptions = {}) {
      return buildCrl(cert, options);
    },
  });
}

interface IssueDefaults {
  readonly subject: DistinguishedName;
  readonly key: TestKey;
  readonly issuer: DistinguishedName;
  readonly signingKey: TestKey;
  readonly issuerSpki?: Uint8Array;
  readonly isCa?: boolean;
  readonly sans?: readonly GeneralNameSpec[];
  readonly sanCritical?: boolean;
}

function issue(options: AuthorityOptions & LeafOptions, d: IssueDefaults): TestCertificate {
  const now = options.now ?? new Date();
  const notBefore = options.notBefore ?? new Date(now.getTime() - 5 * MINUTE);
  const days = options.validityDays ?? (d.isCa ? 365 : 1);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + days * DAY);
  const serial = options.serial ?? randomSerial();
  const extensions = options.extensions ?? [
    ...defaultExtensions(options, d),
    ...(options.extraExtensions ?? []),
  ];
  const der = buildCertificate({
    subject: d.subject,
    issuer: d.issuer,
    publicKey: d.key.spki,
    signingKey: d.signingKey.privateKey,
    serial,
    notBefore,
    notAfter,
    version: options.version,
    signatureAlgorithm: options.signatureAlgorithm,
    outerSignatureAlgorithm: options.outerSignatureAlgorithm,
    extensions: options.version === 1 ? [] : extensions,
  });
  return Object.freeze({
    der,
    pem: derToPem(der, 'CERTIFICATE'),
    base64: Buffer.from(der).toString('base64'),
    key: d.key,
    subject: d.subject,
    serial,
    notBefore,
    notAfter,
  });
}

function defaultExtensions(options: AuthorityOptions, d: IssueDefaults): CertExtension[] {
  const out: CertExtension[] = [];
  if (d.isCa) {
    out.push(basicConstraints(true, options.pathLen));
    out.push(keyUsage(['keyCertSign', 'cRLSign']));
    if (options.nameConstraints) out.push(nameConstraints(options.nameConstraints));
  } else {
    out.push(basicConstraints(false));
    out.push(keyUsage(['digitalSignature']));
    out.push(extKeyUsage(['clientAuth', 'serverAuth']));
    if (d.sans && d.sans.length > 0) out.push(subjectAltName(d.sans, d.sanCritical ?? false));
  }
  out.push(subjectKeyIdentifier(d.key.spki));
  if (d.issuerSpki) out.push(authorityKeyIdentifier(d.issuerSpki));
  return out;
}

/** 63 random bits, never zero: positive and short, like most CAs' serials. */
function randomSerial(): bigint {
  const bytes = randomBytes(8);
  bytes[0]! &= 0x7f;
  return BigInt(`0x${bytes.toString('hex')}`) || 1n;
}
