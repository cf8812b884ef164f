// TLS server certificates issued by a TestCa, with every name the server answers to as a SAN
// (DNS names and IP addresses apart, as RFC 5280 and TLS clients require).
import { isIP } from 'node:net';
import { privateKeyPem } from './keys.ts';
import type { TestCa } from './test-ca.ts';
import {
  commonNameSubject,
  generateKeyPair,
  type KeyPair,
  SIGNING_ALGORITHM,
  validity,
  x509,
} from './x509.ts';

export interface ServerCertOptions {
  /** Host names and IP addresses the certificate is valid for; at least one. */
  hosts: readonly string[];
  /** Subject common name. Default: the first host. */
  commonName?: string;
  /** Default 7. */
  validityDays?: number;
  /** Start of validity (less a few minutes for skew). Default: now. */
  now?: Date;
}

export interface IssuedCert {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  /** Leaf then CA certificate, PEM. */
  chainPem: string;
  certificate: x509.X509Certificate;
  keys: KeyPair;
}

export async function issueServerCert(ca: TestCa, opts: ServerCertOptions): Promise<IssuedCert> {
  const hosts = [...new Set(opts.hosts)];
  const first = hosts[0];
  if (first === undefined) throw new TypeError('hosts must name at least one host');
  const keys = await generateKeyPair();
  const names = hosts.map((host) => ({
    type: isIP(host) ? ('ip' as const) : ('dns' as const),
    value: host,
  }));
  const certificate = await x509.X509CertificateGenerator.create({
    subject: commonNameSubject(opts.commonName ?? first),
    issuer: ca.certificate.subjectName,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(opts.now ?? new Date(), opts.validityDays ?? 7),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const certPem = certificate.toString('pem');
  return {
    certPem,
    keyPem: privateKeyPem(keys.privateKey),
    chainPem: `${certPem}\n${ca.certPem}\n`,
    certificate,
    keys,
  };
}
