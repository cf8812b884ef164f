// The JWS algorithms a verifier may allow, how each one checks a signature with Node's synchronous
// `crypto.verify`, and which keys fit it. Only asymmetric algorithms exist here: `none` and the
// HMAC family (HS*) cannot be allowed, because a public JWKS key must never double as a secret.

import { constants, type KeyObject, verify } from 'node:crypto';

export const SUPPORTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type Algorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export const DEFAULT_ALGORITHMS: readonly Algorithm[] = Object.freeze(['RS256']);

export function isSupportedAlgorithm(value: unknown): value is Algorithm {
  return (SUPPORTED_ALGORITHMS as readonly unknown[]).includes(value);
}

/** Whether `key` is the right kind of key for `alg` (RSA keys of at least 2048 bits). */
export function keyFitsAlgorithm(key: KeyObject, alg: Algorithm): boolean {
  const details = key.asymmetricKeyDetails;
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048;
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519';
  }
}

/**
 * Checks `signature` over `data` with `key`. Synchronous on purpose: an RSA-2048 check takes tens
 * of microseconds, far less than a hop through the thread pool that WebCrypto would add.
 */
export function verifySignature(
  alg: Algorithm,
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  switch (alg) {
    case 'RS256':
      return verify('sha256', data, key, signature);
    case 'PS256':
      return verify(
        'sha256',
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        signature,
      );
    case 'ES256':
      // JWS carries the raw r||s form (RFC 7518 §3.4), not DER; anything but 64 bytes is wrong.
      return (
        signature.length === 64 &&
        verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      );
    case 'EdDSA':
      return verify(null, data, key, signature);
  }
}
