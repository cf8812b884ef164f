// The workload side of X.509 login: the assertion's shape (x5c, aud, iat/exp ≤ 300 s, jti),
// signed by the certificate's own key in every key format certificate tools write, and refusals
// with `client.certificate_invalid` for what the broker would refuse anyway.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRootAuthority, type TestLeaf } from '@rolegate/testkit';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { createX509Assertion, readCertificates } from '../src/index.ts';

const AUDIENCE = 'https://broker.test';
const root = createRootAuthority();
const intermediate = root.createIntermediate();

/** The PEM of the intermediates above a leaf (what a `--chain` file holds). */
const intermediatesOf = (leaf: TestLeaf) =>
  leaf.chain
    .slice(1)
    .map((c) => c.pem)
    .join('');

const codeOf = (fn: () => Promise<unknown>) =>
  fn().then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('createX509Assertion', () => {
  it('signs with the leaf key: x5c = leaf then chain (base64 DER), aud, iat, exp, jti', async () => {
    const leaf = intermediate.issueSvid('spiffe://example.org/ns/prod/orders');
    const now = new Date('2026-11-22T10:00:00Z');
    const token = await createX509Assertion({
      audience: AUDIENCE,
      certificate: leaf.pem,
      chain: intermediatesOf(leaf),
      privateKey: leaf.key.privateKeyPem,
      now,
    });
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(header.x5c, leaf.x5c);
    assert.equal(
      new X509Certificate(Buffer.from(header.x5c![0]!, 'base64')).serialNumber.length > 0,
      true,
    );
    const claims = decodeJwt(token);
    assert.equal(claims.aud, AUDIENCE);
    assert.equal(claims.iat, now.getTime() / 1000);
    assert.equal(claims.exp, now.getTime() / 1000 + 300);
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
    await compactVerify(token, leaf.key.publicKey);
    const again = await createX509Assertion({
      audience: AUDIENCE,
      certificate: leaf.pem,
      privateKey: leaf.key.privateKeyPem,
      now,
    });
    assert.notEqual(decodeJwt(again).jti, claims.jti, 'every assertion has its own jti');
  });

  for (const [keyType, alg] of [
    ['rsa-2048', 'RS256'],
    ['ec-p256', 'ES256'],
    ['ec-p384', 'ES384'],
    ['ec-p521', 'ES512'],
  ] as const) {
    it(`${keyType} keys sign ${alg}`, async () => {
      const leaf = root.issueLeaf({ keyType });
      const token = await createX509Assertion({
        audience: AUDIENCE,
        certificate: leaf.pem,
        privateKey: leaf.key.privateKeyPem,
      });
      assert.equal(decodeProtectedHeader(token).alg, alg);
      await compactVerify(token, leaf.key.publicKey);
    });
  }

  it('reads PKCS#1, SEC1, encrypted PKCS#8 and DER PKCS#8 keys', async () => {
    const rsa = root.issueLeaf({ keyType: 'rsa-2048' });
    const ec = root.issueLeaf({ keyType: 'ec-p256' });
    const inputs = [
      [rsa, rsa.key.privateKey.export({ type: 'pkcs1', format: 'pem' }), undefined],
      [ec, ec.key.privateKey.export({ type: 'sec1', format: 'pem' }), undefined],
      [
        ec,
        ec.key.privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'correct horse',
        }),
        'correct horse',
      ],
      [rsa, rsa.key.privateKey.export({ type: 'pkcs8', format: 'der' }), undefined],
    ] as const;
    for (const [leaf, privateKey, passphrase] of inputs) {
      const token = await createX509Assertion({
        audience: AUDIENCE,
        certificate: leaf.pem,
        privateKey,
        passphrase,
      });
      await compactVerify(token, leaf.key.publicKey);
    }
  });

  it('refuses what the broker would refuse, with client.certificate_invalid', async () => {
    const leaf = root.issueLeaf();
    const other = root.issueLeaf();
    const base = { audience: AUDIENCE, certificate: leaf.pem, privateKey: leaf.key.privateKeyPem };
    const cases: [string, Parameters<typeof createX509Assertion>[0]][] = [
      ['key of another certificate', { ...base, privateKey: other.key.privateKeyPem }],
      ['no certificate', { ...base, certificate: '' }],
      ['a key, not a certificate', { ...base, certificate: leaf.key.privateKeyPem }],
      [
        'a broken certificate block',
        { ...base, certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
      ],
      ['six certificates', { ...base, chain: leaf.pem.repeat(5) }],
      ['garbage key', { ...base, privateKey: 'not a key' }],
      [
        'encrypted key without passphrase',
        {
          ...base,
          privateKey: leaf.key.privateKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'x',
          }),
        },
      ],
      [
        'wrong passphrase',
        {
          ...base,
          passphrase: 'y',
          privateKey: leaf.key.privateKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: 'x',
          }),
        },
      ],
      [
        'public key given as the private key',
        { ...base, privateKey: leaf.key.publicKey.export({ type: 'spki', format: 'pem' }) },
      ],
    ];
    for (const keyType of ['rsa-1024', 'ed25519', 'ec-secp256k1'] as const) {
      const weak = root.issueLeaf({ keyType });
      cases.push([
        `${keyType} key`,
        { audience: AUDIENCE, certificate: weak.pem, privateKey: weak.key.privateKeyPem },
      ]);
    }
    for (const [name, options] of cases) {
      assert.equal(
        await codeOf(() => createX509Assertion(options)),
        'client.certificate_invalid',
        name,
      );
    }
  });

  it('refuses bad options with client.invalid_option', async () => {
    const leaf = root.issueLeaf();
    const base = { audience: AUDIENCE, certificate: leaf.pem, privateKey: leaf.key.privateKeyPem };
    for (const expiresInSeconds of [0, 301, 1.5, -1]) {
      assert.equal(
        await codeOf(() => createX509Assertion({ ...base, expiresInSeconds })),
        'client.invalid_option',
      );
    }
    assert.equal(
      await codeOf(() => createX509Assertion({ ...base, audience: '' })),
      'client.invalid_option',
    );
  });

  it('readCertificates keeps the order of the PEM blocks and ignores text around them', () => {
    const leaf = intermediate.issueLeaf();
    const text = `# leaf\n${leaf.pem}\nsome comment\n${intermediatesOf(leaf)}`;
    const certs = readCertificates(text, 'certificate');
    assert.deepEqual(
      certs.map((c) => c.raw.toString('base64')),
      leaf.x5c,
    );
  });
});
