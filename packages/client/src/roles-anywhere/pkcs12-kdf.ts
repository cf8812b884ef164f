// The PKCS#12 key derivation (RFC 7292 appendix B.2), which keys the bundle's MAC and the legacy
// pbeWithSHAAnd3-KeyTripleDES-CBC encryption. Node has no such function, so it is written here
// on node:crypto's hash; it is checked against OpenSSL by the bundles OpenSSL writes in the tests.

import { hash } from 'node:crypto';

/** What the derived bytes are for (appendix B.3). */
export const KDF_PURPOSE = { key: 1, iv: 2, mac: 3 } as const;

/** Digest and block sizes, in bytes, of the hashes a bundle may name. */
export const KDF_HASHES: Readonly<Record<string, { readonly u: number; readonly v: number }>> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/**
 * The password as the KDF takes it (appendix B.1): BMPString (UTF-16 big-endian) with two zero
 * bytes at the end. `null` is the absent password — no bytes at all —, which OpenSSL also tries
 * for a bundle written with an empty one.
 */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  const utf16 = Buffer.from(`${password}\0`, 'utf16le');
  return utf16.swap16();
}

/**
 * `length` bytes derived from `password` (already BMP-encoded) and `salt` with `iterations`
 * rounds of `hashName`. Each output block costs `iterations` hashes: callers bound both.
 */
export function pkcs12Kdf(
  hashName: string,
  password: Buffer,
  salt: Uint8Array,
  purpose: number,
  iterations: number,
  length: number,
): Buffer {
  const sizes = KDF_HASHES[hashName];
  if (sizes === undefined) throw new TypeError(`no PKCS#12 KDF for ${hashName}`);
  const { u, v } = sizes;
  const fill = (bytes: Uint8Array) => {
    if (bytes.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
    for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
    return out;
  };
  const diversifier = Buffer.alloc(v, purpose);
  const input = Buffer.concat([fill(salt), fill(password)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = hash(hashName, Buffer.concat([diversifier, input]), 'buffer');
    for (let round = 1; round < iterations; round++) a = hash(hashName, a, 'buffer');
    blocks.push(a);
    if (produced + u >= length) break;
    // Each v-byte block of the input becomes (block + B + 1) mod 2^(8v), B being `a` repeated.
    const b = fill(a).subarray(0, v);
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = input[offset + i]! + b[i]! + carry;
        input[offset + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}
