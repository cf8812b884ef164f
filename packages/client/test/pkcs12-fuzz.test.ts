// The PKCS#12 reader reads files that may be hostile: whatever the bytes — random, or a real
// bundle with bytes flipped, cut, inserted or removed — it answers with material or a
// RolegateClientError, never another exception. Bundles without a MAC (plain and encrypted) let
// the mutations reach the bags, the decryption and the certificates behind the MAC check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { createRootAuthority } from '@rolegate/testkit';
import fc from 'fast-check';
import { RolegateClientError } from '../src/errors.ts';
import { certificateFileKind, readBundle } from '../src/roles-anywhere/certificate-file.ts';
import { readPkcs12 } from '../src/roles-anywhere/pkcs12.ts';
import { bundleOf, LEGACY_3DES, opensslMissing } from './support/openssl.ts';
import { scratchDir } from './support/scratch-dir.ts';

const PASSPHRASE = 'fuzz';
const dir = scratchDir('pkcs12-fuzz');
after(() => dir.cleanup());

/** Reads `bytes` as a certificate file would be read; returns whether it gave material. */
function readsOrRefuses(bytes: Uint8Array, passphrase: string | undefined): boolean {
  try {
    const buffer = Buffer.from(bytes);
    if (certificateFileKind(buffer) !== 'pkcs12') return false;
    readBundle(readPkcs12(buffer, passphrase));
    return true;
  } catch (error) {
    if (error instanceof RolegateClientError) return false;
    throw error;
  }
}

/** A real bundle changed in one of the ways a damaged or crafted file is. */
const mutated = (bundle: Buffer) =>
  fc.oneof(
    fc
      .record({ at: fc.nat(bundle.length - 1), xor: fc.integer({ min: 1, max: 255 }) })
      .map(({ at, xor }) => {
        const copy = Buffer.from(bundle);
        copy[at]! ^= xor;
        return copy;
      }),
    fc.nat(bundle.length - 1).map((end) => bundle.subarray(0, end)),
    fc
      .record({ at: fc.nat(bundle.length), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) })
      .map(({ at, bytes }) => Buffer.concat([bundle.subarray(0, at), bytes, bundle.subarray(at)])),
    fc
      .record({ at: fc.nat(bundle.length - 1), count: fc.integer({ min: 1, max: 16 }) })
      .map(({ at, count }) => Buffer.concat([bundle.subarray(0, at), bundle.subarray(at + count)])),
  );

describe('the PKCS#12 reader under fuzzing', () => {
  it('random bytes: material or a RolegateClientError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        readsOrRefuses(bytes, PASSPHRASE);
      }),
      { numRuns: 500 },
    );
    // Random bytes shaped like a PFX's start reach the parser, not only the sniffing.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (tail) => {
        readsOrRefuses(
          Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0x00, 0x02, 0x01, 0x03]), tail]),
          PASSPHRASE,
        );
      }),
      { numRuns: 500 },
    );
  });

  const root = createRootAuthority();
  const leaf = root.createIntermediate().issueLeaf();
  // A bundle with neither MAC nor encryption is read without a passphrase (with one it is refused).
  const variants: [string, readonly string[], string | undefined][] = [
    ['OpenSSL 3 defaults', [], PASSPHRASE],
    ['legacy 3DES', LEGACY_3DES, PASSPHRASE],
    ['no MAC, no encryption', ['-nomac', '-certpbe', 'NONE', '-keypbe', 'NONE'], undefined],
    [
      'no MAC, encrypted',
      ['-nomac', '-certpbe', 'AES-256-CBC', '-keypbe', 'PBE-SHA1-3DES'],
      PASSPHRASE,
    ],
  ];
  for (const [name, args, passphrase] of variants) {
    it(`mutated bundles (${name}): material or a RolegateClientError`, {
      skip: opensslMissing,
    }, () => {
      const bundle = readFileSync(bundleOf(dir, leaf, PASSPHRASE, args));
      assert.equal(readsOrRefuses(bundle, passphrase), true, 'the unmutated bundle reads');
      fc.assert(
        fc.property(mutated(bundle), (bytes) => {
          readsOrRefuses(bytes, passphrase);
        }),
        { numRuns: 300 },
      );
    });
  }
});
