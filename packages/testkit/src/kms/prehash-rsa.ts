// RSA signatures over a digest the caller already computed (KMS MessageType DIGEST). node:crypto
// only signs messages it hashes itself, so the two encodings are applied here and the raw RSA
// operation is node's (privateEncrypt/publicDecrypt): EMSA-PKCS1-v1_5 as RFC 8017 §9.2 (DigestInfo
// prefix + type-1 padding, which privateEncrypt's PKCS#1 padding is) and EMSA-PSS as §9.1 with
// MGF1 over the same hash and a salt as long as the hash, KMS's parameters. Tests check every
// signature made here with node's own crypto.verify over the original message.
import {
  constants,
  createHash,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { HashName } from './key-specs.ts';

// DER of DigestInfo up to the digest's OCTET STRING header (RFC 8017 §9.2, note 1).
const DIGEST_INFO: Readonly<Record<HashName, Buffer>> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

export function signPkcs1Digest(key: KeyObject, hash: HashName, digest: Buffer): Buffer {
  return privateEncrypt(
    { key, padding: constants.RSA_PKCS1_PADDING },
    Buffer.concat([DIGEST_INFO[hash], digest]),
  );
}

export function verifyPkcs1Digest(
  key: KeyObject,
  hash: HashName,
  digest: Buffer,
  signature: Buffer,
): boolean {
  const expected = Buffer.concat([DIGEST_INFO[hash], digest]);
  const recovered = rsaPublic(key, signature, constants.RSA_PKCS1_PADDING);
  return (
    recovered !== undefined &&
    recovered.length === expected.length &&
    timingSafeEqual(recovered, expected)
  );
}

export function signPssDigest(key: KeyObject, hash: HashName, digest: Buffer): Buffer {
  const { emBits, emLen } = sizes(key);
  const hLen = digest.length;
  const salt = randomBytes(hLen);
  const h = pssHash(hash, digest, salt);
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - 2 * hLen - 2] = 0x01;
  salt.copy(db, emLen - 2 * hLen - 1);
  const maskedDb = xor(db, mgf1(hash, h, db.length));
  clearTopBits(maskedDb, 8 * emLen - emBits);
  const em = Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, em);
}

export function verifyPssDigest(
  key: KeyObject,
  hash: HashName,
  digest: Buffer,
  signature: Buffer,
): boolean {
  const { emBits, emLen } = sizes(key);
  const hLen = digest.length;
  const em = rsaPublic(key, signature, constants.RSA_NO_PADDING);
  // KMS moduli are whole bytes, so the encoded message fills the RSA block exactly.
  if (em === undefined || em.length !== emLen || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  if (((maskedDb[0] as number) & ~(0xff >> topBits) & 0xff) !== 0) return false;
  const db = xor(maskedDb, mgf1(hash, h, maskedDb.length));
  clearTopBits(db, topBits);
  const separator = emLen - 2 * hLen - 2;
  if (!db.subarray(0, separator).every((b) => b === 0) || db[separator] !== 0x01) return false;
  const salt = db.subarray(separator + 1);
  return timingSafeEqual(pssHash(hash, digest, salt), h);
}

function sizes(key: KeyObject): { emBits: number; emLen: number } {
  const modBits = key.asymmetricKeyDetails?.modulusLength;
  if (modBits === undefined) throw new TypeError('not an RSA key');
  const emBits = modBits - 1;
  return { emBits, emLen: Math.ceil(emBits / 8) };
}

/** H = Hash(0x00 × 8 ‖ mHash ‖ salt) */
function pssHash(hash: HashName, digest: Buffer, salt: Buffer): Buffer {
  return createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
}

function mgf1(hash: HashName, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0, size = 0; size < length; i++) {
    counter.writeUInt32BE(i);
    const block = createHash(hash).update(seed).update(counter).digest();
    blocks.push(block);
    size += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

function clearTopBits(buf: Buffer, bits: number): void {
  buf[0] = (buf[0] as number) & (0xff >> bits);
}

/** The raw public-key operation; undefined when the signature is not a valid RSA block. */
function rsaPublic(key: KeyObject, signature: Buffer, padding: number): Buffer | undefined {
  try {
    return publicDecrypt({ key, padding }, signature);
  } catch {
    return undefined;
  }
}
