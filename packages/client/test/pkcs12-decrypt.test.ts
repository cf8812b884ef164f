// The password-based schemes of the PKCS#12 reader against OpenSSL's own output: `openssl pkcs8
// -topk8` encrypts a key under each scheme and PRF the reader supports (PBES2 with PBKDF2-HMAC-
// SHA1/256/384/512 and AES-128/192/256-CBC; the PKCS#12 KDF with 3DES) and some it refuses
// (scrypt, PBES2 with 3DES, RC2-40), and decryptWithPassword must give back the very key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { PKCS8ShroudedKeyBag } from '@peculiar/asn1-pfx';
import { AsnConvert } from '@peculiar/asn1-schema';
import { generateTestKey } from '@rolegate/testkit';
import { Pbes2Params, Pbkdf2Params } from '../src/roles-anywhere/pkcs12-asn1.ts';
import { decryptWithPassword } from '../src/roles-anywhere/pkcs12-decrypt.ts';
import { PKCS12_LIMITS, RoundBudget } from '../src/roles-anywhere/pkcs12-limits.ts';
import { opensslMissing } from './support/openssl.ts';
import { scratchDir } from './support/scratch-dir.ts';

const dir = scratchDir('pkcs8');
after(() => dir.cleanup());
const key = generateTestKey('ec-p256');
const PASSWORD = 'pässword';
const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' });

let n = 0;
/** The key encrypted by `openssl pkcs8 -topk8` with `args`, as an EncryptedPrivateKeyInfo. */
function encryptWithOpenssl(args: string[]): PKCS8ShroudedKeyBag {
  const out = `${dir.path}/key-${++n}.der`;
  execFileSync(
    'openssl',
    [
      'pkcs8',
      '-topk8',
      '-in',
      dir.write(`plain-${n}.pem`, key.privateKeyPem),
      '-outform',
      'DER',
      '-out',
      out,
      '-passout',
      'env:ROLEGATE_TEST_PASS',
      ...args,
    ],
    { env: { ...process.env, ROLEGATE_TEST_PASS: PASSWORD }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return AsnConvert.parse(readFileSync(out), PKCS8ShroudedKeyBag);
}

const decrypt = (bag: PKCS8ShroudedKeyBag, text: string | null = PASSWORD) =>
  decryptWithPassword(
    bag.encryptionAlgorithm,
    new Uint8Array(bag.encryptedData.buffer),
    { text },
    new RoundBudget(),
    'the test key',
  );

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

describe('decryptWithPassword, against openssl pkcs8', { skip: opensslMissing }, () => {
  const supported: [string, string[]][] = [
    ['PBES2 AES-256-CBC, HMAC-SHA256 (the default)', ['-v2', 'aes-256-cbc']],
    ['PBES2 AES-128-CBC, HMAC-SHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']],
    ['PBES2 AES-192-CBC, HMAC-SHA384', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA384']],
    ['PBES2 AES-256-CBC, HMAC-SHA512', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512']],
    ['PBES2, one iteration', ['-v2', 'aes-256-cbc', '-iter', '1']],
    ['pbeWithSHAAnd3-KeyTripleDES-CBC', ['-v1', 'PBE-SHA1-3DES']],
  ];
  for (const [name, args] of supported) {
    it(`decrypts ${name}`, () => {
      const plain = decrypt(encryptWithOpenssl(args));
      const decrypted = createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
      assert.deepEqual(spki(decrypted), Buffer.from(key.spki));
    });
  }

  it('refuses a wrong password with client.passphrase_invalid', () => {
    const original = key.privateKey.export({ type: 'pkcs8', format: 'der' });
    for (const args of [
      ['-v2', 'aes-256-cbc'],
      ['-v1', 'PBE-SHA1-3DES'],
    ]) {
      const bag = encryptWithOpenssl(args);
      const codes = new Set<string>();
      for (const password of ['wrong', 'Pässword', '', 'pässword ', null]) {
        try {
          // CBC padding lets a wrong key through once in 256 times: then the result is noise
          // (which the reader refuses when it parses it), never the key.
          assert.notDeepEqual(decrypt(bag, password), original);
        } catch (e) {
          codes.add((e as { code?: string }).code ?? String(e));
        }
      }
      assert.deepEqual(codes, new Set(['client.passphrase_invalid']), args.join(' '));
    }
  });

  it('refuses schemes it does not support with client.certificate_invalid', (t) => {
    const refused: [string, string[]][] = [
      ['scrypt', ['-scrypt']],
      ['PBES2 with 3DES', ['-v2', 'des3']],
    ];
    for (const [name, args] of refused) {
      assert.equal(
        codeOf(() => decrypt(encryptWithOpenssl(args))),
        'client.certificate_invalid',
        name,
      );
    }
    let rc2: PKCS8ShroudedKeyBag;
    try {
      rc2 = encryptWithOpenssl([
        '-v1',
        'PBE-SHA1-RC2-40',
        '-provider',
        'legacy',
        '-provider',
        'default',
      ]);
    } catch {
      t.diagnostic('this openssl cannot write RC2-40 (no legacy provider): that case is not run');
      return;
    }
    assert.equal(
      codeOf(() => decrypt(rc2)),
      'client.certificate_invalid',
      'RC2-40',
    );
  });

  it('refuses an iteration count past the bound before deriving', () => {
    const bag = encryptWithOpenssl(['-v2', 'aes-256-cbc', '-iter', '1']);
    const pbes2 = AsnConvert.parse(bag.encryptionAlgorithm.parameters!, Pbes2Params);
    const pbkdf2 = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, Pbkdf2Params);
    pbkdf2.iterationCount = PKCS12_LIMITS.maxIterations + 1;
    pbes2.keyDerivationFunc.parameters = AsnConvert.serialize(pbkdf2);
    bag.encryptionAlgorithm.parameters = AsnConvert.serialize(pbes2);
    assert.equal(
      codeOf(() => decrypt(bag)),
      'client.certificate_invalid',
    );
  });
});
