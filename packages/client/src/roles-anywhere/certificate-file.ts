// What a certificate file holds, told by its content rather than its name: PEM (the leaf first,
// further certificates are intermediates), one DER certificate, or a PKCS#12 bundle with the key
// and its certificates (the leaf is the certificate of the key; the others are intermediates).
import { type KeyObject, X509Certificate } from 'node:crypto';
import { RolegateClientError } from '../errors.ts';
import { readCertificates } from '../pem-certificates.ts';
import type { Pkcs12Contents } from './pkcs12.ts';

export type CertificateFileKind = 'pem' | 'der' | 'pkcs12';

/**
 * PEM has a BEGIN line. In DER, a Certificate is a SEQUENCE opening with the tbsCertificate
 * SEQUENCE, a PFX a SEQUENCE opening with its version INTEGER.
 */
export function certificateFileKind(bytes: Buffer): CertificateFileKind {
  if (bytes.includes('-----BEGIN')) return 'pem';
  if (bytes[0] === 0x30 && bytes.length > 4) {
    const first = bytes[1]!;
    const header = first < 0x80 ? 2 : 2 + (first & 0x7f);
    if (bytes[header] === 0x30) return 'der';
    if (bytes[header] === 0x02) return 'pkcs12';
  }
  throw new RolegateClientError(
    'client.certificate_invalid',
    'neither a PEM certificate, a DER certificate nor a PKCS#12 bundle',
  );
}

/** The certificates of a PEM or DER certificate file, the leaf first. */
export function readCertificateFile(bytes: Buffer, kind: 'pem' | 'der'): X509Certificate[] {
  const certificates =
    kind === 'pem' ? readCertificates(bytes, 'certificate') : [parseCertificateDer(bytes)];
  if (certificates.length === 0)
    throw new RolegateClientError('client.certificate_invalid', 'the file holds no certificate');
  return certificates;
}

/** The certificates of a PEM bundle of intermediates (an empty file holds none). */
export function readIntermediatesFile(bytes: Buffer): X509Certificate[] {
  const certificates = readCertificates(bytes, 'intermediates');
  if (certificates.length === 0 && bytes.toString('utf8').trim() !== '') {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the file holds no PEM CERTIFICATE block',
    );
  }
  return certificates;
}

/** One DER certificate, all of `der`: Node's parser would ignore bytes after it. */
export function parseCertificateDer(der: Uint8Array): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (cause) {
    throw new RolegateClientError('client.certificate_invalid', 'not an X.509 certificate', {
      cause,
    });
  }
  if (certificate.raw.length !== der.length) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `${der.length - certificate.raw.length} bytes after the certificate`,
    );
  }
  return certificate;
}

export interface BundleMaterial {
  readonly leaf: X509Certificate;
  readonly intermediates: readonly X509Certificate[];
  readonly privateKey: KeyObject;
}

/** The key of a read PKCS#12 bundle, its certificate (the leaf) and the other certificates. */
export function readBundle(contents: Pkcs12Contents): BundleMaterial {
  const [privateKey, ...moreKeys] = contents.privateKeys;
  if (privateKey === undefined || moreKeys.length > 0) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the bundle holds ${contents.privateKeys.length} private keys: one expected`,
    );
  }
  // The same certificate twice (some tools add the leaf to the chain too) counts once.
  const distinct = [
    ...new Map(contents.certificates.map((der) => [der.toString('base64'), der])).values(),
  ];
  const certificates = distinct.map(parseCertificateDer);
  if (certificates.length === 0)
    throw new RolegateClientError('client.certificate_invalid', 'the bundle holds no certificate');
  const leaves = certificates.filter((certificate) => certificate.checkPrivateKey(privateKey));
  if (leaves.length === 0) {
    throw new RolegateClientError(
      'client.key_mismatch',
      'the bundle holds no certificate of its private key',
    );
  }
  if (leaves.length > 1) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the bundle holds ${leaves.length} certificates of its private key: one expected`,
    );
  }
  const leaf = leaves[0]!;
  return {
    leaf,
    intermediates: certificates.filter((certificate) => certificate !== leaf),
    privateKey,
  };
}
