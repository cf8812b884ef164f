// The CreateSession signer against the two requests AWS's own helper made (the golden vectors:
// canonical-request hash equal, the helper's signature verifying over our string to sign), and
// round trips for every key type the service accepts.
import assert from 'node:assert/strict';
import { createHash, verify, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { canonicalCreateSession, signCreateSessionRequest } from '@rolegate/client';
import { createRootAuthority, type TestKeyType } from '@rolegate/testkit';

// ../shared/vectors beside the checkout where it exists; the copy kept with identity's tag tests.
const shared = new URL('../../../../shared/vectors/roles-anywhere-golden.md', import.meta.url);
const vectorsText = readFileSync(
  existsSync(shared)
    ? shared
    : new URL('../../identity/test/x509/fixtures/roles-anywhere-golden.md', import.meta.url),
  'utf8',
);
const certificates = [...vectorsText.matchAll(/`X-Amz-X509`:\n```\n([A-Za-z0-9+/=]+)\n```/g)].map(
  (m) => m[1]!,
);
const signatures = [
  ...vectorsText.matchAll(/Signature \(hex(?:, DER)?\):\n```\n([0-9a-f]+)\n```/g),
].map((m) => m[1]!);

const ACCOUNT = '291738886548';
const golden = [
  {
    name: 'RSA-2048',
    date: '2024-07-06T11:38:59Z',
    anchor: 'a545a1fc-5d86-4032-8f4c-61cdd6ff92da',
    credential: '21',
    hash: '0341377207232aa5da02d53ac67e71211fab7a4dd4cfc5f63c6121b17f540268',
    algorithm: 'AWS4-X509-RSA-SHA256',
  },
  {
    name: 'ECDSA P-384',
    date: '2024-07-06T14:30:04Z',
    anchor: '1cb4e36e-e4ad-4bbb-9b37-fdafb2cbe4fe',
    credential: '3',
    hash: 'c1adf18de77fe52de7033c03fd27177013d13109afbf37c48cadd1973350d4d7',
    algorithm: 'AWS4-X509-ECDSA-SHA256',
  },
] as const;

function goldenInput(index: number) {
  const vector = golden[index]!;
  return {
    endpoint: 'http://127.0.0.1:8080',
    region: 'us-east-2',
    trustAnchorArn: `arn:aws:rolesanywhere:us-east-2:${ACCOUNT}:trust-anchor/${vector.anchor}`,
    profileArn: `arn:aws:rolesanywhere:us-east-2:${ACCOUNT}:profile/6f4943fb-13d4-4242-89c4-be367595c380`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/rolesanywhere1`,
    durationSeconds: 3600,
    certificate: Buffer.from(certificates[index]!, 'base64'),
    now: new Date(vector.date),
  };
}

function verifies(index: number, stringToSign: string, digest = 'sha256'): boolean {
  const key = new X509Certificate(Buffer.from(certificates[index]!, 'base64')).publicKey;
  const signature = Buffer.from(signatures[index]!, 'hex');
  return verify(digest, Buffer.from(stringToSign), { key, dsaEncoding: 'der' }, signature);
}

describe('Roles Anywhere signer: the golden vectors of AWS’s helper', () => {
  it('the vectors file holds both requests', () => {
    assert.equal(certificates.length, 2);
    assert.equal(signatures.length, 2);
  });

  golden.forEach((vector, index) => {
    it(`${vector.name}: the canonical request hashes as the helper's and its signature verifies`, () => {
      const canonical = canonicalCreateSession(goldenInput(index));
      assert.equal(
        createHash('sha256').update(canonical.canonicalRequest).digest('hex'),
        vector.hash,
      );
      assert.equal(canonical.algorithm, vector.algorithm);
      assert.equal(
        canonical.credential,
        `${vector.credential}/20240706/us-east-2/rolesanywhere/aws4_request`,
      );
      assert.equal(canonical.signedHeaders, 'content-type;host;x-amz-date;x-amz-x509');
      assert.ok(verifies(index, canonical.stringToSign));
    });
  });

  it('the signature covers the body: a session name or another duration breaks it', () => {
    const named = canonicalCreateSession({ ...goldenInput(0), roleSessionName: 'alice' });
    assert.equal(verifies(0, named.stringToSign), false);
    const longer = canonicalCreateSession({ ...goldenInput(0), durationSeconds: 7200 });
    assert.equal(verifies(0, longer.stringToSign), false);
  });

  it('P-384 signs over SHA-256, not the curve’s SHA-384', () => {
    const canonical = canonicalCreateSession(goldenInput(1));
    assert.equal(verifies(1, canonical.stringToSign, 'sha384'), false);
  });

  it('a second later is another request', () => {
    const later = canonicalCreateSession({
      ...goldenInput(1),
      now: new Date(Date.parse(golden[1].date) + 1000),
    });
    assert.equal(verifies(1, later.stringToSign), false);
  });
});

describe('Roles Anywhere signer: every accepted key type', () => {
  const root = createRootAuthority();
  const intermediate = root.createIntermediate();
  const keyTypes: TestKeyType[] = ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'];

  for (const keyType of keyTypes) {
    it(`${keyType}: the Authorization header carries a signature the leaf's key verifies`, () => {
      const leaf = intermediate.issueLeaf({ keyType, serial: 0x8f00_0000_0000_0001n });
      const signed = signCreateSessionRequest({
        ...goldenInput(0),
        certificate: leaf.der,
        intermediates: [intermediate.intermediates[0]!.der],
        privateKey: leaf.key.privateKey,
      });
      const auth =
        /^(AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
          signed.headers['authorization']!,
        );
      assert.ok(auth, signed.headers['authorization']);
      assert.equal(
        auth[1],
        keyType.startsWith('rsa') ? 'AWS4-X509-RSA-SHA256' : 'AWS4-X509-ECDSA-SHA256',
      );
      // The serial in decimal, even past 2^53.
      assert.equal(auth[2]!.split('/')[0], 0x8f00_0000_0000_0001n.toString(10));
      assert.equal(auth[3], 'content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain');
      assert.equal(
        signed.headers['x-amz-x509-chain'],
        Buffer.from(intermediate.intermediates[0]!.der).toString('base64'),
      );
      const canonical = canonicalCreateSession({
        ...goldenInput(0),
        certificate: leaf.der,
        intermediates: [intermediate.intermediates[0]!.der],
      });
      assert.equal(canonical.canonicalRequest, signed.canonicalRequest);
      const ok = verify(
        'sha256',
        Buffer.from(canonical.stringToSign),
        { key: leaf.key.publicKey, dsaEncoding: 'der' },
        Buffer.from(auth[4]!, 'hex'),
      );
      assert.ok(ok);
    });
  }

  it('sends the ARNs in the query, encoded as SigV4 canonical form, and the body it signed', () => {
    const leaf = root.issueLeaf({ keyType: 'ec-p256' });
    const signed = signCreateSessionRequest({
      ...goldenInput(0),
      endpoint: 'https://rolesanywhere.us-east-2.amazonaws.com',
      certificate: leaf.der,
      privateKey: leaf.key.privateKey,
      roleSessionName: 'build-42',
    });
    const url = new URL(signed.url);
    assert.equal(url.pathname, '/sessions');
    assert.ok(
      url.search.includes('roleArn=arn%3Aaws%3Aiam%3A%3A291738886548%3Arole%2Frolesanywhere1'),
    );
    assert.deepEqual(JSON.parse(signed.body), {
      durationSeconds: 3600,
      roleSessionName: 'build-42',
    });
    assert.equal(signed.headers['host'], 'rolesanywhere.us-east-2.amazonaws.com');
    assert.equal(signed.headers['x-amz-x509-chain'], undefined);
  });

  it('refuses what the service would refuse before signing anything', () => {
    const leaf = root.issueLeaf({ keyType: 'ec-p256' });
    const base = { ...goldenInput(0), certificate: leaf.der, privateKey: leaf.key.privateKey };
    const cases = [
      { durationSeconds: 899 },
      { durationSeconds: 43_201 },
      { durationSeconds: 1.5 },
      { roleSessionName: 'a' },
      { roleSessionName: 'has space' },
      { roleArn: 'role/x' },
      { region: 'US_EAST' },
      { endpoint: 'ftp://x' },
      { endpoint: 'https://x/?a=1' },
    ];
    for (const change of cases) {
      assert.throws(
        () => signCreateSessionRequest({ ...base, ...change }),
        { code: 'client.invalid_option' },
        JSON.stringify(change),
      );
    }
    assert.throws(
      () => signCreateSessionRequest({ ...base, certificate: new Uint8Array([48, 3, 1, 1, 0]) }),
      { code: 'client.certificate_invalid' },
    );
    const ed = root.issueLeaf({ keyType: 'ed25519' });
    assert.throws(
      () =>
        signCreateSessionRequest({ ...base, certificate: ed.der, privateKey: ed.key.privateKey }),
      { code: 'client.certificate_invalid' },
    );
  });
});
