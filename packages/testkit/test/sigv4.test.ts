// The verifier core against official SigV4 vectors (AWS's test suite, as carried by
// smithy-typescript's suite.fixture.ts) and against @smithy/signature-v4's own signing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import {
  constantTimeEqual,
  expectedSignature,
  formatAmzDate,
  parseAmzDate,
  type SignedRequestParts,
} from '../src/sts/sigv4.ts';

const SUITE_SCOPE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  longDate: '20150830T123600Z',
  region: 'us-east-1',
  service: 'service',
};
const HOST = 'example.amazonaws.com';
const DATE = '20150830T123600Z';
const TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Vector {
  name: string;
  parts: Omit<SignedRequestParts, 'body'> & { body?: string };
  signature: string;
}

const base = { host: HOST, 'x-amz-date': DATE };
const vectors: Vector[] = [
  {
    name: 'get-vanilla',
    parts: { method: 'GET', path: '/', query: {}, signedHeaders: base },
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    parts: {
      method: 'GET',
      path: '/',
      query: { Param2: 'value2', Param1: 'value1' },
      signedHeaders: base,
    },
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    parts: { method: 'GET', path: '/', query: { [UNRESERVED]: UNRESERVED }, signedHeaders: base },
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    parts: { method: 'GET', path: '/', query: { ሴ: 'bar' }, signedHeaders: base },
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'get-unreserved',
    parts: { method: 'GET', path: `/${UNRESERVED}`, query: {}, signedHeaders: base },
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    name: 'get-header-value-trim',
    parts: {
      method: 'GET',
      path: '/',
      query: {},
      signedHeaders: {
        host: HOST,
        'my-header1': 'value1',
        'my-header2': '"a   b   c"',
        'x-amz-date': DATE,
      },
    },
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'post-vanilla-query-nonunreserved',
    parts: {
      method: 'POST',
      path: '/',
      query: { '@#$%^': '', '+': '/,?><`";:\\|][{}' },
      signedHeaders: base,
    },
    signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e',
  },
  {
    name: 'post-sts-header-before',
    parts: {
      method: 'POST',
      path: '/',
      query: {},
      signedHeaders: { ...base, 'x-amz-security-token': TOKEN },
    },
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
  {
    name: 'post-x-www-form-urlencoded',
    parts: {
      method: 'POST',
      path: '/',
      query: {},
      signedHeaders: { 'content-type': 'application/x-www-form-urlencoded', ...base },
      body: 'Param1=value1',
    },
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    parts: {
      method: 'POST',
      path: '/',
      query: {},
      signedHeaders: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf8',
        ...base,
      },
      body: 'Param1=value1',
    },
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
  },
];

describe('expectedSignature: official SigV4 vectors', () => {
  for (const v of vectors) {
    test(v.name, async () => {
      const body = Buffer.from(v.parts.body ?? '');
      assert.equal(await expectedSignature({ ...v.parts, body }, SUITE_SCOPE), v.signature);
    });
  }

  test('a changed secret gives another signature', async () => {
    const [v] = vectors as [Vector];
    const body = Buffer.alloc(0);
    const other = await expectedSignature(
      { ...v.parts, body },
      { ...SUITE_SCOPE, secretAccessKey: `${SUITE_SCOPE.secretAccessKey}x` },
    );
    assert.notEqual(other, v.signature);
  });
});

describe('expectedSignature agrees with @smithy/signature-v4 presign', () => {
  test('random query values and signed header values', async () => {
    const presigner = new SignatureV4({
      credentials: {
        accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
        secretAccessKey: 'secret/+=',
        sessionToken: 'tok+/=',
      },
      region: 'eu-west-1',
      service: 'sts',
      sha256: Hash.bind(null, 'sha256'),
    });
    const text = fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme' });
    await fc.assert(
      fc.asyncProperty(text, text, async (queryValue, headerValue) => {
        const signed = await presigner.presign(
          {
            method: 'GET',
            protocol: 'https:',
            hostname: 'sts.eu-west-1.amazonaws.com',
            path: '/',
            query: { Action: 'GetCallerIdentity', Extra: queryValue },
            headers: { host: 'sts.eu-west-1.amazonaws.com', 'x-rolegate-audience': headerValue },
          },
          { signingDate: new Date('2026-01-02T03:04:05Z'), expiresIn: 60 },
        );
        const query = signed.query as Record<string, string>;
        const recomputed = await expectedSignature(
          {
            method: 'GET',
            path: '/',
            query,
            signedHeaders: signed.headers,
            body: Buffer.alloc(0),
          },
          {
            accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
            secretAccessKey: 'secret/+=',
            longDate: query['X-Amz-Date'] as string,
            region: 'eu-west-1',
            service: 'sts',
          },
        );
        assert.equal(recomputed, query['X-Amz-Signature']);
      }),
      { numRuns: 60 },
    );
  });
});

describe('X-Amz-Date parsing', () => {
  test('round-trips a valid date', () => {
    const d = parseAmzDate('20260304T050607Z');
    assert.ok(d);
    assert.equal(d.toISOString(), '2026-03-04T05:06:07.000Z');
    assert.equal(formatAmzDate(d), '20260304T050607Z');
  });
  test('rejects other formats and impossible dates', () => {
    for (const bad of [
      '2026-03-04T05:06:07Z',
      '20260304T050607',
      '20260231T000000Z',
      '20261304T000000Z',
      '',
    ]) {
      assert.equal(parseAmzDate(bad), undefined, bad);
    }
  });
});

test('constantTimeEqual compares exactly', () => {
  assert.equal(constantTimeEqual('abc', 'abc'), true);
  assert.equal(constantTimeEqual('abc', 'abd'), false);
  assert.equal(constantTimeEqual('abc', 'abcd'), false);
});
