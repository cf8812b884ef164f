// Signs and verifies as a KMS key does. RAW messages go through node:crypto's sign/verify, which
// hash them; DIGEST messages are already hashed and go through the prehash modules. Either way
// the parameters are KMS's: PSS with MGF1 over the same hash and a salt as long as the hash,
// ECDSA signatures in DER (not the r‖s form JOSE uses).
import { constants, type KeyObject, sign, verify } from 'node:crypto';
import { ALGORITHMS, type KmsSigningAlgorithm } from './key-specs.ts';
import { signEcdsaDigest, verifyEcdsaDigest } from './prehash-ecdsa.ts';
import {
  signPkcs1Digest,
  signPssDigest,
  verifyPkcs1Digest,
  verifyPssDigest,
} from './prehash-rsa.ts';

export type MessageType = 'RAW' | 'DIGEST';

function keyOptions(key: KeyObject, algorithm: KmsSigningAlgorithm) {
  const { scheme, digestLength } = ALGORITHMS[algorithm];
  if (scheme === 'pss') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digestLength };
  }
  if (scheme === 'pkcs1') return { key, padding: constants.RSA_PKCS1_PADDING };
  return { key, dsaEncoding: 'der' as const };
}

export function signMessage(
  privateKey: KeyObject,
  algorithm: KmsSigningAlgorithm,
  message: Buffer,
  type: MessageType,
): Buffer {
  const { scheme, hash } = ALGORITHMS[algorithm];
  if (type === 'RAW') return sign(hash, message, keyOptions(privateKey, algorithm));
  if (scheme === 'pkcs1') return signPkcs1Digest(privateKey, hash, message);
  if (scheme === 'pss') return signPssDigest(privateKey, hash, message);
  return signEcdsaDigest(privateKey, message);
}

export function verifyMessage(
  publicKey: KeyObject,
  algorithm: KmsSigningAlgorithm,
  message: Buffer,
  type: MessageType,
  signature: Buffer,
): boolean {
  const { scheme, hash } = ALGORITHMS[algorithm];
  if (type === 'RAW') {
    try {
      return verify(hash, message, keyOptions(publicKey, algorithm), signature);
    } catch {
      return false; // a malformed signature is an invalid one, not a server error
    }
  }
  if (scheme === 'pkcs1') return verifyPkcs1Digest(publicKey, hash, message, signature);
  if (scheme === 'pss') return verifyPssDigest(publicKey, hash, message, signature);
  return verifyEcdsaDigest(publicKey, message, signature);
}
