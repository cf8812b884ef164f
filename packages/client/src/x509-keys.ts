// Workload private keys as certificate tools write them — PKCS#8 (also encrypted), SEC1
// ("EC PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), in PEM or PKCS#8 DER — read by Node's own
// parser, and the JWS algorithm each key type signs with (docs/specs/x509.md §1).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { RolegateClientError } from './errors.ts';

export type CertificateKeyInput = string | Buffer | KeyObject;
export type AssertionAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'ES512';

const CURVE_ALGORITHMS: Readonly<Record<string, AssertionAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

export function readPrivateKey(input: CertificateKeyInput, passphrase?: string): KeyObject {
  if (typeof input === 'object' && 'asymmetricKeyType' in input && !Buffer.isBuffer(input)) {
    if (input.type !== 'private') {
      throw new RolegateClientError('client.certificate_invalid', 'the key must be a private key');
    }
    return input;
  }
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const isPem = text.includes('-----BEGIN');
  if (isPem && text.includes('ENCRYPTED') && passphrase === undefined) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the private key is encrypted: give its passphrase',
    );
  }
  try {
    return isPem
      ? createPrivateKey({ key: text, format: 'pem', passphrase })
      : createPrivateKey({
          key: Buffer.from(input as string | Buffer),
          format: 'der',
          type: 'pkcs8',
        });
  } catch (cause) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the private key cannot be read (${(cause as { code?: string }).code ?? 'bad key'}): PKCS#8, encrypted PKCS#8, SEC1 or PKCS#1 expected`,
      { cause },
    );
  }
}

/** The one JWS algorithm for a key; RSA below 2048 bits and other key types are refused. */
export function jwsAlgorithmFor(key: KeyObject): AssertionAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < 2048) {
        throw new RolegateClientError(
          'client.certificate_invalid',
          'RSA keys must have at least 2048 bits',
        );
      }
      return key.asymmetricKeyType === 'rsa' ? 'RS256' : 'PS256';
    case 'ec': {
      const alg = CURVE_ALGORITHMS[details.namedCurve ?? ''];
      if (alg !== undefined) return alg;
      break;
    }
  }
  throw new RolegateClientError(
    'client.certificate_invalid',
    `no assertion algorithm for a ${key.asymmetricKeyType} key${details.namedCurve ? ` on ${details.namedCurve}` : ''}: RSA ≥ 2048 or EC P-256/384/521`,
  );
}
