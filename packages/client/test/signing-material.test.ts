// Signing material from files, as `rolegate credential-process` loads it on every refresh: every
// key format certificate tools write for every key type Roles Anywhere signs with, PEM and DER
// certificates with their intermediates, passphrases from a file or the environment, files
// replaced between two loads, and each refusal with its code.
import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { createRootAuthority, type TestKeyType, type TestLeaf } from '@rolegate/testkit';
import {
  loadSigningMaterial,
  MAX_INTERMEDIATES,
  type SigningMaterialSource,
} from '../src/roles-anywhere/signing-material.ts';
import { scratchDir } from './support/scratch-dir.ts';

const root = createRootAuthority();
const intermediate = root.createIntermediate();
const dir = scratchDir('signing');
after(() => dir.cleanup());

const spki = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'der' });
const codeOf = (source: SigningMaterialSource) =>
  loadSigningMaterial(source).then(
    () => 'no error',
    (e: { code?: string }) => e.code ?? String(e),
  );
const evenHex = (serial: bigint | Uint8Array) => {
  const hex = (
    typeof serial === 'bigint' ? serial : BigInt(`0x${Buffer.from(serial).toString('hex')}`)
  ).toString(16);
  return hex.length % 2 === 0 ? hex : `0${hex}`;
};

let files = 0;
/** The leaf's certificate and key written in the given forms; returns the source. */
function filesFor(
  leaf: TestLeaf,
  key: string | Uint8Array = leaf.key.privateKeyPem,
  certificate: string | Uint8Array = leaf.pem,
): { certificate: string; privateKey: string } {
  const n = ++files;
  return {
    certificate: dir.write(`cert-${n}`, certificate),
    privateKey: dir.write(`key-${n}`, key),
  };
}

const PASSPHRASE = 'correct horse battery staple';

/** Every form a key file comes in that applies to the key's type. */
function keyForms(key: KeyObject): [string, string | Buffer][] {
  const forms: [string, string | Buffer][] = [
    ['PKCS#8 PEM', key.export({ type: 'pkcs8', format: 'pem' })],
    [
      'encrypted PKCS#8 PEM',
      key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }),
    ],
    ['PKCS#8 DER', key.export({ type: 'pkcs8', format: 'der' })],
    [
      'encrypted PKCS#8 DER',
      key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-128-cbc', passphrase: PASSPHRASE }),
    ],
  ];
  if (key.asymmetricKeyType === 'rsa') {
    forms.push(['PKCS#1 PEM', key.export({ type: 'pkcs1', format: 'pem' })]);
  } else {
    forms.push(['SEC1 PEM', key.export({ type: 'sec1', format: 'pem' })]);
  }
  return forms;
}

describe('loadSigningMaterial from files', () => {
  for (const keyType of [
    'rsa-2048',
    'rsa-3072',
    'ec-p256',
    'ec-p384',
  ] as const satisfies TestKeyType[]) {
    it(`reads a ${keyType} key in every format, its leaf and its intermediates`, async () => {
      const leaf = intermediate.issueLeaf({ keyType });
      const passphraseFile = dir.write(`pass-${keyType}`, `${PASSPHRASE}\n`);
      for (const [form, key] of keyForms(leaf.key.privateKey)) {
        const material = await loadSigningMaterial({
          ...filesFor(leaf, key),
          intermediates: dir.write(`chain-${keyType}`, intermediate.pem),
          passphrase: { file: passphraseFile },
        });
        assert.deepEqual(material.certificate, leaf.der, form);
        assert.deepEqual(material.intermediates, [intermediate.der], form);
        assert.deepEqual(spki(material.privateKey), Buffer.from(leaf.key.spki), form);
        assert.equal(material.serialHex, evenHex(leaf.serial), form);
        assert.equal(
          material.notAfter.getTime(),
          Math.floor(leaf.notAfter.getTime() / 1000) * 1000,
        );
      }
    });
  }

  it('reads the intermediates after the leaf in the certificate file, then the intermediates file', async () => {
    const middle = intermediate.createIntermediate();
    const leaf = middle.issueLeaf();
    const material = await loadSigningMaterial({
      ...filesFor(leaf, leaf.key.privateKeyPem, leaf.chainPem),
      intermediates: dir.write('chain-extra', root.pem),
    });
    assert.deepEqual(material.intermediates, [middle.der, intermediate.der, root.der]);
  });

  it('reads a DER certificate', async () => {
    const leaf = intermediate.issueLeaf();
    const material = await loadSigningMaterial(filesFor(leaf, leaf.key.privateKeyPem, leaf.der));
    assert.deepEqual(material.certificate, leaf.der);
    assert.deepEqual(material.intermediates, []);
  });

  it('reads the passphrase from an environment variable', async () => {
    const leaf = intermediate.issueLeaf();
    const [, encrypted] = keyForms(leaf.key.privateKey)[1]!;
    process.env.ROLEGATE_TEST_KEY_PASSPHRASE = PASSPHRASE;
    try {
      const material = await loadSigningMaterial({
        ...filesFor(leaf, encrypted),
        passphrase: { env: 'ROLEGATE_TEST_KEY_PASSPHRASE' },
      });
      assert.deepEqual(material.certificate, leaf.der);
    } finally {
      delete process.env.ROLEGATE_TEST_KEY_PASSPHRASE;
    }
  });

  it('reads the files again on every call: a rotated certificate and key are used', async () => {
    const first = intermediate.issueLeaf();
    const second = intermediate.issueLeaf({ keyType: 'rsa-2048' });
    const source = filesFor(first);
    assert.equal((await loadSigningMaterial(source)).serialHex, evenHex(first.serial));
    dir.write(source.certificate.slice(dir.path.length + 1), second.pem);
    dir.write(source.privateKey.slice(dir.path.length + 1), second.key.privateKeyPem);
    const rotated = await loadSigningMaterial(source);
    assert.equal(rotated.serialHex, evenHex(second.serial));
    assert.equal(rotated.privateKey.asymmetricKeyType, 'rsa');
  });

  it('checks validity against the given clock', async () => {
    const leaf = intermediate.issueLeaf();
    const source = filesFor(leaf);
    const at = (ms: number) => () => new Date(ms);
    assert.equal(
      await codeOf({ ...source, now: at(leaf.notAfter.getTime() + 1000) }),
      'client.certificate_expired',
    );
    assert.equal(
      await codeOf({ ...source, now: at(leaf.notBefore.getTime() - 1000) }),
      'client.certificate_not_yet_valid',
    );
    assert.equal(await codeOf({ ...source, now: at(leaf.notAfter.getTime() - 1000) }), 'no error');
  });
});

describe('loadSigningMaterial refuses', () => {
  const leaf = intermediate.issueLeaf();
  const encrypted = keyForms(leaf.key.privateKey)[1]![1];

  it('a file it cannot read, with client.file_unreadable naming the file', async () => {
    const good = filesFor(leaf);
    const missing = `${dir.path}/no-such-file.pem`;
    for (const source of [
      { ...good, certificate: missing },
      { ...good, privateKey: missing },
      { ...good, intermediates: missing },
      { ...good, certificate: dir.path },
      { ...filesFor(leaf, encrypted), passphrase: { file: missing } },
    ]) {
      const error = await loadSigningMaterial(source).then(
        () => assert.fail('no error'),
        (e: Error & { code?: string }) => e,
      );
      assert.equal(error.code, 'client.file_unreadable');
      // The message must say which file: part of the behaviour, not of the wording.
      assert.ok(error.message.includes(missing) || error.message.includes(dir.path));
    }
    if (process.getuid?.() !== 0) {
      const locked = filesFor(leaf);
      chmodSync(locked.privateKey, 0o000);
      assert.equal(await codeOf(locked), 'client.file_unreadable');
    }
  });

  it('an encrypted key without its passphrase, or with a wrong one: client.passphrase_invalid', async () => {
    const source = filesFor(leaf, encrypted);
    const encryptedDer = keyForms(leaf.key.privateKey)[3]![1];
    const traditional = leaf.key.privateKey.export({
      type: 'sec1',
      format: 'pem',
      cipher: 'aes-128-cbc',
      passphrase: PASSPHRASE,
    });
    for (const key of [encrypted, encryptedDer, traditional]) {
      const files = filesFor(leaf, key);
      assert.equal(await codeOf(files), 'client.passphrase_invalid');
      assert.equal(
        await codeOf({ ...files, passphrase: { file: dir.write('wrong', 'wrong\n') } }),
        'client.passphrase_invalid',
      );
    }
    delete process.env.ROLEGATE_TEST_UNSET_PASSPHRASE;
    assert.equal(
      await codeOf({ ...source, passphrase: { env: 'ROLEGATE_TEST_UNSET_PASSPHRASE' } }),
      'client.passphrase_invalid',
    );
  });

  it("a key that is not the leaf's: client.key_mismatch", async () => {
    const other = intermediate.issueLeaf();
    assert.equal(await codeOf(filesFor(leaf, other.key.privateKeyPem)), 'client.key_mismatch');
  });

  it('key types Roles Anywhere does not sign with: client.certificate_invalid', async () => {
    for (const keyType of ['rsa-1024', 'ec-p521', 'ec-secp256k1', 'ed25519'] as const) {
      const weak = intermediate.issueLeaf({ keyType });
      assert.equal(await codeOf(filesFor(weak)), 'client.certificate_invalid', keyType);
    }
  });

  it('what is not a certificate or a key: client.certificate_invalid', async () => {
    const cases: [string, ReturnType<typeof filesFor>][] = [
      ['a key as the certificate', filesFor(leaf, leaf.key.privateKeyPem, leaf.key.privateKeyPem)],
      ['text', filesFor(leaf, leaf.key.privateKeyPem, 'hello')],
      ['an empty file', filesFor(leaf, leaf.key.privateKeyPem, '')],
      [
        'a broken PEM block',
        filesFor(
          leaf,
          leaf.key.privateKeyPem,
          '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        ),
      ],
      [
        'DER with trailing bytes',
        filesFor(leaf, leaf.key.privateKeyPem, Buffer.concat([leaf.der, Buffer.from([0])])),
      ],
      [
        'a truncated DER certificate',
        filesFor(leaf, leaf.key.privateKeyPem, leaf.der.subarray(0, 100)),
      ],
      ['garbage as the key', filesFor(leaf, 'not a key')],
      [
        'a public key as the key',
        filesFor(leaf, leaf.key.publicKey.export({ type: 'spki', format: 'pem' })),
      ],
    ];
    for (const [name, source] of cases) {
      assert.equal(await codeOf(source), 'client.certificate_invalid', name);
    }
    assert.equal(
      await codeOf({ ...filesFor(leaf), intermediates: dir.write('not-pem', 'not a certificate') }),
      'client.certificate_invalid',
    );
    assert.equal(
      await codeOf({
        ...filesFor(leaf),
        intermediates: dir.write('too-many', intermediate.pem.repeat(MAX_INTERMEDIATES + 1)),
      }),
      'client.certificate_invalid',
    );
  });

  it('sources that do not say what to load: client.invalid_option', async () => {
    const { certificate } = filesFor(leaf);
    for (const source of [
      {},
      { certificate },
      { certificate, privateKey: certificate, workloadApi: 'unix:///tmp/agent.sock' },
      { intermediates: certificate, workloadApi: 'unix:///tmp/agent.sock' },
      { ...filesFor(leaf, encrypted), passphrase: { file: certificate, env: 'X' } },
    ] satisfies SigningMaterialSource[]) {
      assert.equal(await codeOf(source), 'client.invalid_option', JSON.stringify(source));
    }
  });

  it('a file larger than any certificate: client.file_unreadable', async () => {
    const huge = dir.write('huge.pem', Buffer.alloc(1024 * 1024 + 1, 0x41));
    assert.equal(await codeOf({ ...filesFor(leaf), certificate: huge }), 'client.file_unreadable');
  });
});
