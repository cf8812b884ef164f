// A throw-away certificate authority for tests and `rolegate dev`: a self-signed root that signs
// server certificates (and, later, client and SPIFFE workload certificates). Never for production.
import { privateKeyPem } from './keys.ts';
import {
  commonNameSubject,
  generateKeyPair,
  type KeyPair,
  SIGNING_ALGORITHM,
  validity,
  x509,
} from './x509.ts';

export interface TestCaOptions {
  /** Subject common name. Default "rolegate test CA". */
  commonName?: string;
  /** Default 7. */
  validityDays?: number;
  /** Start of validity (less a few minutes for skew). Default: now. */
  now?: Date;
}

export interface TestCa {
  /** The root certificate, PEM: what a client trusts (`ca` in node:https). */
  certPem: string;
  /** The root's private key, PKCS#8 PEM. */
  keyPem: string;
  certificate: x509.X509Certificate;
  keys: KeyPair;
}

export async function createTestCa(opts: TestCaOptions = {}): Promise<TestCa> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: commonNameSubject(opts.commonName ?? 'rolegate test CA'),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(opts.now ?? new Date(), opts.validityDays ?? 7),
    extensions: [
      // pathLength 1 leaves room for one intermediate (a SPIFFE trust domain CA, say).
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: certificate.toString('pem'),
    keyPem: privateKeyPem(keys.privateKey),
    certificate,
    keys,
  };
}
