// ECDSA over a digest the caller already computed (KMS MessageType DIGEST), with the signature in
// DER as KMS returns it. node:crypto only signs messages it hashes itself, so the digest path uses
// @noble/curves (audited, no dependencies) with prehash off; tests check each signature with
// node's own crypto.verify over the original message.
import type { KeyObject } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';

const CURVES = { 'P-256': p256, 'P-384': p384 } as const;

export function signEcdsaDigest(key: KeyObject, digest: Buffer): Buffer {
  const { curve, jwk } = curveOf(key);
  const secret = Buffer.from(jwk.d, 'base64url');
  // Random k (extraEntropy) like KMS, and high-S allowed like OpenSSL: KMS signatures are not normalised.
  return Buffer.from(
    curve.sign(digest, secret, { prehash: false, format: 'der', lowS: false, extraEntropy: true }),
  );
}

export function verifyEcdsaDigest(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const { curve, jwk } = curveOf(key);
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  try {
    return curve.verify(signature, digest, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false; // not DER, or not a signature for this curve
  }
}

function curveOf(key: KeyObject): {
  curve: (typeof CURVES)[keyof typeof CURVES];
  jwk: { d: string; x: string; y: string };
} {
  const jwk = key.export({ format: 'jwk' });
  const curve = CURVES[jwk.crv as keyof typeof CURVES];
  if (!curve) throw new TypeError(`unsupported curve ${jwk.crv}`);
  return { curve, jwk: { d: jwk.d ?? '', x: jwk.x ?? '', y: jwk.y ?? '' } };
}
