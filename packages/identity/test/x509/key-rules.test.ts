// Which keys may sign anything in a chain. An RSA public exponent is bounded as well as the
// modulus: OpenSSL accepts a huge exponent on keys up to 3072 bits, and one such key made every
// signature check in a hostile chain ~130x slower (an unauthenticated stall of the event loop).
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyKind } from '../../src/x509/algorithms.ts';

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const n = publicKey.export({ format: 'jwk' }).n!;
const withExponent = (e: bigint) => {
  let hex = e.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return createPublicKey({
    key: { kty: 'RSA', n, e: Buffer.from(hex, 'hex').toString('base64url') },
    format: 'jwk',
  });
};

describe('RSA key rules', () => {
  for (const e of [3n, 65537n, 2n ** 32n - 1n]) {
    it(`accepts the exponent ${e}`, () => assert.equal(keyKind(withExponent(e)), 'rsa'));
  }
  const refused: [string, bigint][] = [
    ['1', 1n],
    ['even (65536)', 65536n],
    ['2^32 + 1', 2n ** 32n + 1n],
    ['a 2000-bit exponent', 2n ** 1999n + 1n],
  ];
  for (const [name, e] of refused) {
    it(`refuses the exponent ${name}`, () => assert.equal(keyKind(withExponent(e)), undefined));
  }
  it('refuses RSA-1024 as before', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    assert.equal(keyKind(small), undefined);
  });
});
