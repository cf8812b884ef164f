// The emulator's X.509 signature check against official vectors: two requests made by AWS's own
// credential helper (v1.1.1), RSA-2048 and ECDSA P-384 (packages/identity/test/x509/fixtures/
// roles-anywhere-golden.md). Clock pinned, no chain check: these certificates chain to CAs we do
// not have. Then against the client's signer, which is written apart: both must agree on the
// canonical request, byte for byte, for every key type.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { signCreateSessionRequest } from '@rolegate/client';
import { createRootAuthority, type TestKeyType } from '../src/index.ts';
import {
  algorithmForKey,
  verifyX509Signature,
  type X509Algorithm,
  type X509SignedParts,
  x509StringToSign,
} from '../src/roles-anywhere/x509-signature.ts';

const GOLDEN = readFileSync(
  new URL('../../identity/test/x509/fixtures/roles-anywhere-golden.md', import.meta.url),
  'utf8',
);
// The fixture's four code blocks, in order: RSA certificate, RSA signature, ECDSA certificate,
// ECDSA signature.
const [rsaCert, rsaSignature, ecCert, ecSignature] = [
  ...GOLDEN.matchAll(/```\n([A-Za-z0-9+/=]+)\n```/g),
].map((m) => m[1] as string);

const ACCOUNT_ARN = 'arn:aws:rolesanywhere:us-east-2:291738886548';
const BODY = '{"durationSeconds":3600}';

interface Vector {
  algorithm: X509Algorithm;
  amzDate: string;
  trustAnchorId: string;
  certificate: string;
  signature: string;
  canonicalHash: string;
}

const VECTORS: Record<'rsa' | 'ecdsa', Vector> = {
  rsa: {
    algorithm: 'AWS4-X509-RSA-SHA256',
    amzDate: '20240706T113859Z',
    trustAnchorId: 'a545a1fc-5d86-4032-8f4c-61cdd6ff92da',
    certificate: rsaCert!,
    signature: rsaSignature!,
    canonicalHash: '0341377207232aa5da02d53ac67e71211fab7a4dd4cfc5f63c6121b17f540268',
  },
  ecdsa: {
    algorithm: 'AWS4-X509-ECDSA-SHA256',
    amzDate: '20240706T143004Z',
    trustAnchorId: '1cb4e36e-e4ad-4bbb-9b37-fdafb2cbe4fe',
    certificate: ecCert!,
    signature: ecSignature!,
    canonicalHash: 'c1adf18de77fe52de7033c03fd27177013d13109afbf37c48cadd1973350d4d7',
  },
};

function partsOf(v: Vector, body = BODY): X509SignedParts {
  return {
    method: 'POST',
    path: '/sessions',
    query: {
      profileArn: `${ACCOUNT_ARN}:profile/6f4943fb-13d4-4242-89c4-be367595c380`,
      roleArn: 'arn:aws:iam::291738886548:role/rolesanywhere1',
      trustAnchorArn: `${ACCOUNT_ARN}:trust-anchor/${v.trustAnchorId}`,
    },
    signedHeaders: {
      'content-type': 'application/json',
      host: '127.0.0.1:8080',
      'x-amz-date': v.amzDate,
      'x-amz-x509': v.certificate,
    },
    payloadHash: createHash('sha256').update(body).digest('hex'),
  };
}

const scopeOf = (v: Vector) => ({
  algorithm: v.algorithm,
  amzDate: v.amzDate,
  credentialScope: `${v.amzDate.slice(0, 8)}/us-east-2/rolesanywhere/aws4_request`,
});

const leafKey = (v: Vector) => new X509Certificate(Buffer.from(v.certificate, 'base64')).publicKey;

describe("AWS's credential helper, golden requests", () => {
  test('the fixture holds both certificates and both signatures', () => {
    for (const v of Object.values(VECTORS)) {
      assert.ok(v.certificate.length > 500);
      assert.match(v.signature, /^[0-9a-f]+$/);
    }
  });

  for (const [name, v] of Object.entries(VECTORS)) {
    test(`${name}: the canonical request hashes to the helper's, and its signature verifies`, async () => {
      const { canonicalRequest, stringToSign } = await x509StringToSign(partsOf(v), scopeOf(v));
      assert.equal(createHash('sha256').update(canonicalRequest).digest('hex'), v.canonicalHash);
      assert.equal(algorithmForKey(leafKey(v)), v.algorithm);
      assert.equal(verifyX509Signature(v.algorithm, leafKey(v), stringToSign, v.signature), true);
    });

    test(`${name}: another body, another algorithm name or a flipped bit does not verify`, async () => {
      const key = leafKey(v);
      for (const body of ['', '{"durationSeconds":3600,"roleSessionName":"x1"}']) {
        const { stringToSign } = await x509StringToSign(partsOf(v, body), scopeOf(v));
        assert.equal(verifyX509Signature(v.algorithm, key, stringToSign, v.signature), false);
      }
      const { stringToSign } = await x509StringToSign(partsOf(v), scopeOf(v));
      const other: X509Algorithm =
        v.algorithm === 'AWS4-X509-RSA-SHA256' ? 'AWS4-X509-ECDSA-SHA256' : 'AWS4-X509-RSA-SHA256';
      assert.equal(verifyX509Signature(other, key, stringToSign, v.signature), false);
      const flipped = `${v.signature.slice(0, -1)}${v.signature.endsWith('0') ? '1' : '0'}`;
      assert.equal(verifyX509Signature(v.algorithm, key, stringToSign, flipped), false);
      assert.equal(
        verifyX509Signature(v.algorithm, key, stringToSign, v.signature.toUpperCase()),
        false,
      );
    });
  }

  test('a key of neither kind signs under no algorithm name', () => {
    assert.equal(algorithmForKey(generateKeyPairSync('ed25519').publicKey), undefined);
  });
});

describe("the client's signer and the emulator's verifier agree", () => {
  const root = createRootAuthority();
  for (const keyType of ['rsa-2048', 'ec-p256', 'ec-p384'] as TestKeyType[]) {
    test(`${keyType}: same canonical request, and the signature verifies`, async () => {
      const leaf = root.issueLeaf({ keyType });
      const request = signCreateSessionRequest({
        endpoint: 'https://rolesanywhere.eu-west-1.amazonaws.com',
        region: 'eu-west-1',
        trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/a b+c',
        profileArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/p~1*',
        roleArn: "arn:aws:iam::111122223333:role/it's(x)",
        durationSeconds: 900,
        roleSessionName: 'a=b,c@d',
        certificate: leaf.der,
        intermediates: [root.der],
        privateKey: leaf.key.privateKey,
        now: new Date('2026-03-04T05:06:07Z'),
      });
      const url = new URL(request.url);
      const auth = /^(\S+) Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(
        request.headers['authorization']!,
      );
      assert.ok(auth);
      const [, algorithm, credential, signedHeaders, signature] = auth as unknown as string[];
      const names = signedHeaders!.split(';');
      const { canonicalRequest, stringToSign } = await x509StringToSign(
        {
          method: request.method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          signedHeaders: Object.fromEntries(names.map((h) => [h, request.headers[h]!])),
          payloadHash: createHash('sha256').update(request.body).digest('hex'),
        },
        {
          algorithm: algorithm as X509Algorithm,
          amzDate: request.headers['x-amz-date']!,
          credentialScope: credential!.slice(credential!.indexOf('/') + 1),
        },
      );
      assert.equal(canonicalRequest, request.canonicalRequest);
      assert.equal(
        verifyX509Signature(
          algorithm as X509Algorithm,
          leaf.key.publicKey,
          stringToSign,
          signature!,
        ),
        true,
      );
    });
  }
});
