// PKCS#12 bundles as `openssl pkcs12 -export` writes them, read by loadSigningMaterial: OpenSSL
// 3's defaults (PBES2: PBKDF2-SHA256 + AES-256-CBC, SHA-256 MAC) and the legacy 3DES/SHA-1 form
// for every key type Roles Anywhere signs with, the variants tools write (no MAC, no encryption,
// other MAC digests and ciphers, one iteration, empty and non-ASCII passphrases), and each
// refusal: passphrase, RC2-40, keys and certificates that do not pair, iteration bounds.
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { createRootAuthority, type TestKeyType } from '@rolegate/testkit';
import { Pfx } from '../src/roles-anywhere/pkcs12-asn1.ts';
import { bmpPassword, KDF_PURPOSE, pkcs12Kdf } from '../src/roles-anywhere/pkcs12-kdf.ts';
import { PKCS12_LIMITS } from '../src/roles-anywhere/pkcs12-limits.ts';
import {
  loadSigningMaterial,
  type SigningMaterialSource,
} from '../src/roles-anywhere/signing-material.ts';
import { bundleOf, exportPkcs12, LEGACY_3DES, opensslMissing } from './support/openssl.ts';
import { scratchDir } from './support/scratch-dir.ts';

const skip = opensslMissing;
const root = createRootAuthority();
const intermediate = root.createIntermediate();
const dir = scratchDir('pkcs12');
after(() => dir.cleanup());

const PASSPHRASE = 'pkcs12 passphrase';
const spki = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' });
const passphraseFile = (text: string) => dir.write(`pass-${Math.random()}`, `${text}\n`);
const codeOf = (source: SigningMaterialSource) =>
  loadSigningMaterial(source).then(
    () => 'no error',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('PKCS#12 bundles from openssl', { skip }, () => {
  const profiles = [
    ['OpenSSL 3 defaults', []],
    ['legacy 3DES and SHA-1 MAC', LEGACY_3DES],
  ] as const;
  for (const keyType of [
    'rsa-2048',
    'rsa-3072',
    'ec-p256',
    'ec-p384',
  ] as const satisfies TestKeyType[]) {
    for (const [profile, args] of profiles) {
      it(`${keyType}, ${profile}: the key, its leaf and the intermediates`, async () => {
        const leaf = intermediate.issueLeaf({ keyType });
        const material = await loadSigningMaterial({
          certificate: bundleOf(dir, leaf, PASSPHRASE, args),
          passphrase: { file: passphraseFile(PASSPHRASE) },
        });
        assert.deepEqual(material.certificate, leaf.der);
        assert.deepEqual(material.intermediates, [intermediate.der]);
        assert.deepEqual(spki(material.privateKey), Buffer.from(leaf.key.spki));
      });
    }
  }

  const variants: [string, readonly string[]][] = [
    ['no encryption at all', ['-certpbe', 'NONE', '-keypbe', 'NONE']],
    ['no MAC', ['-nomac']],
    ['no MAC, legacy encryption', ['-nomac', ...LEGACY_3DES.slice(0, 4)]],
    ['an SHA-512 MAC of one iteration', ['-macalg', 'sha512', '-nomaciter']],
    ['an SHA-384 MAC', ['-macalg', 'sha384']],
    ['AES-128 certificates, AES-192 key', ['-certpbe', 'AES-128-CBC', '-keypbe', 'AES-192-CBC']],
    ['one iteration everywhere', ['-noiter', '-nomaciter']],
    ['an SHA-1 MAC over PBES2 encryption', ['-keypbe', 'AES-256-CBC', '-macalg', 'sha1']],
  ];
  for (const [name, args] of variants) {
    it(`reads ${name}`, async () => {
      const leaf = intermediate.issueLeaf();
      const material = await loadSigningMaterial({
        certificate: bundleOf(dir, leaf, PASSPHRASE, args),
        passphrase: { file: passphraseFile(PASSPHRASE) },
      });
      assert.deepEqual(material.certificate, leaf.der);
      assert.deepEqual(spki(material.privateKey), Buffer.from(leaf.key.spki));
    });
  }

  it('reads a non-ASCII passphrase as UTF-8 (PBES2) and as BMPString (MAC, 3DES)', async () => {
    const leaf = intermediate.issueLeaf();
    const passphrase = 'pässwörd ✓ 𝄞';
    for (const args of [[], LEGACY_3DES]) {
      const material = await loadSigningMaterial({
        certificate: bundleOf(dir, leaf, passphrase, args),
        passphrase: { file: passphraseFile(passphrase) },
      });
      assert.deepEqual(material.certificate, leaf.der);
    }
  });

  it('opens a bundle exported with an empty passphrase with none configured', async () => {
    const leaf = intermediate.issueLeaf();
    for (const args of [[], LEGACY_3DES]) {
      const certificate = bundleOf(dir, leaf, '', args);
      assert.deepEqual((await loadSigningMaterial({ certificate })).certificate, leaf.der);
      process.env.ROLEGATE_TEST_EMPTY = '';
      try {
        const material = await loadSigningMaterial({
          certificate,
          passphrase: { env: 'ROLEGATE_TEST_EMPTY' },
        });
        assert.deepEqual(material.certificate, leaf.der);
      } finally {
        delete process.env.ROLEGATE_TEST_EMPTY;
      }
    }
  });

  it('opens a bundle whose MAC was keyed by the absent password, as OpenSSL does', async () => {
    // Some tools key the MAC of a password-less bundle with no password bytes at all rather than
    // an empty BMPString; OpenSSL tries both. Such a bundle is made here from an unprotected one
    // (openssl writes only the other form), its MAC computed with the KDF tested above.
    const leaf = intermediate.issueLeaf();
    const pfx = AsnConvert.parse(
      readFileSync(bundleOf(dir, leaf, '', ['-certpbe', 'NONE', '-keypbe', 'NONE'])),
      Pfx,
    );
    const macData = pfx.macData!;
    const authSafe = Buffer.from(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer);
    const salt = Buffer.from(macData.macSalt.buffer);
    const key = pkcs12Kdf(
      'sha256',
      bmpPassword(null),
      salt,
      KDF_PURPOSE.mac,
      macData.iterations,
      32,
    );
    macData.mac.digest = new OctetString(createHmac('sha256', key).update(authSafe).digest());
    const certificate = dir.write('absent-password.p12', Buffer.from(AsnConvert.serialize(pfx)));
    assert.deepEqual((await loadSigningMaterial({ certificate })).certificate, leaf.der);
  });

  it('finds the leaf by its key, wherever it is, and keeps the other certificates', async () => {
    const leaf = intermediate.issueLeaf();
    const certificate = exportPkcs12(
      dir,
      {
        certificatesPem: leaf.pem,
        keyPem: leaf.key.privateKeyPem,
        extraPem: root.pem + intermediate.pem + leaf.pem,
      },
      PASSPHRASE,
    );
    const material = await loadSigningMaterial({
      certificate,
      passphrase: { file: passphraseFile(PASSPHRASE) },
    });
    assert.deepEqual(material.certificate, leaf.der);
    assert.deepEqual(
      new Set(material.intermediates.map((der) => Buffer.from(der).toString('base64'))),
      new Set([root.der, intermediate.der].map((der) => Buffer.from(der).toString('base64'))),
    );
  });

  it('picks up a bundle replaced between two loads', async () => {
    const first = intermediate.issueLeaf();
    const second = intermediate.issueLeaf({ keyType: 'ec-p384' });
    const certificate = `${dir.path}/rotating.p12`;
    const source = { certificate, passphrase: { file: passphraseFile(PASSPHRASE) } };
    dir.write('rotating.p12', readFileSync(bundleOf(dir, first, PASSPHRASE)));
    const before = await loadSigningMaterial(source);
    dir.write('rotating.p12', readFileSync(bundleOf(dir, second, PASSPHRASE)));
    const rotated = await loadSigningMaterial(source);
    assert.deepEqual(before.certificate, first.der);
    assert.deepEqual(rotated.certificate, second.der);
    assert.notEqual(rotated.serialHex, before.serialHex);
  });
});

describe('PKCS#12 bundles refused', { skip }, () => {
  const leaf = intermediate.issueLeaf();
  const right = () => ({ file: passphraseFile(PASSPHRASE) });
  const wrong = () => ({ file: passphraseFile('not the passphrase') });

  it('without the passphrase, or with a wrong one: client.passphrase_invalid', async () => {
    for (const args of [[], LEGACY_3DES, ['-nomac']]) {
      const certificate = bundleOf(dir, leaf, PASSPHRASE, args);
      assert.equal(await codeOf({ certificate }), 'client.passphrase_invalid', args.join(' '));
      assert.equal(
        await codeOf({ certificate, passphrase: wrong() }),
        'client.passphrase_invalid',
        args.join(' '),
      );
    }
    delete process.env.ROLEGATE_TEST_UNSET;
    assert.equal(
      await codeOf({
        certificate: bundleOf(dir, leaf, PASSPHRASE),
        passphrase: { env: 'ROLEGATE_TEST_UNSET' },
      }),
      'client.passphrase_invalid',
    );
  });

  it('RC2-40 certificates (openssl -legacy): client.certificate_invalid', async (t) => {
    let certificate: string;
    try {
      certificate = bundleOf(dir, leaf, PASSPHRASE, ['-legacy']);
    } catch {
      t.skip('this openssl cannot write RC2-40 (no legacy provider)');
      return;
    }
    assert.equal(await codeOf({ certificate, passphrase: right() }), 'client.certificate_invalid');
  });

  it('a bundle whose key and certificates do not pair', async () => {
    const other = intermediate.issueLeaf();
    const cases: [string, Parameters<typeof exportPkcs12>[1], string][] = [
      ['no key', { certificatesPem: leaf.pem }, 'client.certificate_invalid'],
      ['no certificate', { keyPem: leaf.key.privateKeyPem }, 'client.certificate_invalid'],
      [
        "another key's certificate",
        { keyPem: leaf.key.privateKeyPem, extraPem: other.pem },
        'client.key_mismatch',
      ],
    ];
    for (const [name, contents, code] of cases) {
      const certificate = exportPkcs12(dir, contents, PASSPHRASE);
      assert.equal(await codeOf({ certificate, passphrase: right() }), code, name);
    }
  });

  it('an expired leaf: client.certificate_expired', async () => {
    const certificate = bundleOf(dir, leaf, PASSPHRASE);
    const later = () => new Date(leaf.notAfter.getTime() + 60_000);
    assert.equal(
      await codeOf({ certificate, passphrase: right(), now: later }),
      'client.certificate_expired',
    );
  });

  it('no MAC and a plain key while a passphrase is given: client.certificate_invalid', async () => {
    // Anyone who can write the file could have put their own key and certificate in it; with a
    // MAC, or an encrypted key, they would need the passphrase.
    const plain = bundleOf(dir, leaf, PASSPHRASE, ['-nomac', '-keypbe', 'NONE']);
    assert.equal(
      await codeOf({ certificate: plain, passphrase: right() }),
      'client.certificate_invalid',
    );
    assert.equal(
      await codeOf({ certificate: plain }),
      'no error',
      'read when no passphrase is given',
    );
    const encrypted = bundleOf(dir, leaf, PASSPHRASE, ['-nomac', '-certpbe', 'NONE']);
    assert.equal(await codeOf({ certificate: encrypted, passphrase: right() }), 'no error');
  });

  it('a private key file besides a bundle: client.invalid_option', async () => {
    const certificate = bundleOf(dir, leaf, PASSPHRASE);
    const privateKey = dir.write('beside.pem', leaf.key.privateKeyPem);
    assert.equal(
      await codeOf({ certificate, privateKey, passphrase: right() }),
      'client.invalid_option',
    );
  });

  it('more iterations than the bound, before deriving anything: client.certificate_invalid', async () => {
    const certificate = bundleOf(dir, leaf, PASSPHRASE, [
      '-iter',
      String(PKCS12_LIMITS.maxIterations + 1),
      '-nomac',
      '-certpbe',
      'NONE',
    ]);
    assert.equal(await codeOf({ certificate, passphrase: right() }), 'client.certificate_invalid');
  });

  it('a MAC of 8,388,607 iterations (16 s of KDF, tried with and without a password): refused before deriving', async () => {
    // The largest count the ASN.1 reader hands back as a number; the MAC value need not even be
    // right, as it is checked only after the derivation.
    const pfx = AsnConvert.parse(readFileSync(bundleOf(dir, leaf, PASSPHRASE)), Pfx);
    pfx.macData!.iterations = 8_388_607;
    const certificate = dir.write('slow-mac.p12', Buffer.from(AsnConvert.serialize(pfx)));
    assert.equal(await codeOf({ certificate }), 'client.certificate_invalid');
    assert.equal(await codeOf({ certificate, passphrase: right() }), 'client.certificate_invalid');
  });

  it('derivations each within the bound but more work together than the budget: refused', async () => {
    // openssl's -iter applies to the MAC too: 500,000 PKCS#12 KDF rounds plus two PBKDF2 safes
    // of 500,000 is more than the bundle budget; 400,000 of each is within it.
    const within = bundleOf(dir, leaf, PASSPHRASE, ['-iter', '400000']);
    assert.equal(await codeOf({ certificate: within, passphrase: right() }), 'no error');
    const beyond = bundleOf(dir, leaf, PASSPHRASE, ['-iter', '500000']);
    assert.equal(
      await codeOf({ certificate: beyond, passphrase: right() }),
      'client.certificate_invalid',
    );
  });
});
