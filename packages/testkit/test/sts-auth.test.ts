// Refusals for bad keys, signatures and signed headers, each with STS's code, status and message.
// Requests are signed by @smithy/signature-v4 and then broken one thing at a time.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { useEmulator } from './support/emulator.ts';
import { refusal, SIGNATURE_MISMATCH, send } from './support/http.ts';
import { presignGet, SIGNED_AT, signPost, withQueryParam } from './support/sign.ts';

const f = useEmulator();
const AUDIENCE = 'https://broker.example.test';

beforeEach(() => {
  f.now.value = SIGNED_AT;
});

describe('keys and signatures', () => {
  test('a wrong secret is SignatureDoesNotMatch 403', async () => {
    const wire = await presignGet({
      credentials: { ...f.orders, secretAccessKey: 'x'.repeat(40) },
    });
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: SIGNATURE_MISMATCH,
    });
  });

  test('a wrong secret on a POST is SignatureDoesNotMatch 403', async () => {
    const wire = await signPost({ credentials: { ...f.alice, secretAccessKey: 'y'.repeat(40) } });
    assert.equal((await refusal(f.sts, wire)).code, 'SignatureDoesNotMatch');
  });

  test('an unknown access key id is InvalidClientTokenId 403', async () => {
    const wire = await presignGet({
      credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN12', secretAccessKey: 'z'.repeat(40) },
    });
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
  });

  test('a tampered query parameter is SignatureDoesNotMatch', async () => {
    const wire = await presignGet({ credentials: f.alice, expiresIn: 60 });
    for (const path of [
      withQueryParam(wire.path, 'X-Amz-Expires', '61'),
      withQueryParam(wire.path, 'Version', '2011-06-16'),
      `${wire.path}&Extra=1`,
    ]) {
      assert.equal((await refusal(f.sts, { ...wire, path })).code, 'SignatureDoesNotMatch', path);
    }
  });

  test('a second x-amz-credential in other case is signed data, not ignored (CVE-2022-2385)', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const path = `${wire.path}&x-amz-credential=${encodeURIComponent(`${f.orders.accessKeyId}/20260304/us-east-1/sts/aws4_request`)}`;
    assert.equal((await refusal(f.sts, { ...wire, path })).code, 'SignatureDoesNotMatch');
  });

  test('a repeated X-Amz-Credential is IncompleteSignature', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const credential = new URLSearchParams(wire.path.slice(2)).get('X-Amz-Credential') ?? '';
    const path = `${wire.path}&X-Amz-Credential=${encodeURIComponent(credential)}`;
    const r = await refusal(f.sts, { ...wire, path });
    assert.deepEqual([r.status, r.code], [400, 'IncompleteSignature']);
  });

  test('a tampered Host (same region) is SignatureDoesNotMatch', async () => {
    const wire = await presignGet({
      credentials: f.alice,
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });
    const moved = { ...wire, headers: { ...wire.headers, host: 'sts.eu-west-1.api.aws' } };
    assert.equal((await refusal(f.sts, moved)).message, SIGNATURE_MISMATCH);
  });

  test('a malformed credential is IncompleteSignature 400', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const path = withQueryParam(
      wire.path,
      'X-Amz-Credential',
      `${f.alice.accessKeyId}/20260304/us-east-1/sts`,
    );
    const r = await refusal(f.sts, { ...wire, path });
    assert.equal(r.status, 400);
    assert.equal(r.code, 'IncompleteSignature');
    assert.match(r.message, /^Credential must have exactly 5 slash-delimited elements/);
  });

  test('a missing X-Amz-Signature is IncompleteSignature', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const r = await refusal(f.sts, {
      ...wire,
      path: withQueryParam(wire.path, 'X-Amz-Signature', undefined),
    });
    assert.deepEqual([r.status, r.code], [400, 'IncompleteSignature']);
    assert.match(r.message, /'X-Amz-Signature'/);
  });

  test('an Authorization header without Signature is IncompleteSignature', async () => {
    const wire = await signPost({ credentials: f.alice });
    const auth = (wire.headers['authorization'] ?? '').replace(/, Signature=[0-9a-f]+/, '');
    const r = await refusal(f.sts, { ...wire, headers: { ...wire.headers, authorization: auth } });
    assert.deepEqual([r.status, r.code], [400, 'IncompleteSignature']);
    assert.match(r.message, /^Authorization header requires 'Signature' parameter\./);
  });

  test('a repeated Credential in the Authorization header is IncompleteSignature', async () => {
    const wire = await signPost({ credentials: f.alice });
    const auth = wire.headers['authorization'] ?? '';
    const other = `Credential=${f.orders.accessKeyId}/20260304/us-east-1/sts/aws4_request`;
    const r = await refusal(f.sts, {
      ...wire,
      headers: { ...wire.headers, authorization: `${auth}, ${other}` },
    });
    assert.deepEqual([r.status, r.code], [400, 'IncompleteSignature']);
  });

  test('another algorithm is IncompleteSignature', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const r = await refusal(f.sts, {
      ...wire,
      path: withQueryParam(wire.path, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA1'),
    });
    assert.equal(r.code, 'IncompleteSignature');
  });
});

describe('signed headers', () => {
  test('the broker proof shape: SignedHeaders=host;x-rolegate-audience', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    assert.equal(
      new URLSearchParams(wire.path.slice(2)).get('X-Amz-SignedHeaders'),
      'host;x-rolegate-audience',
    );
    assert.equal((await send(f.sts, wire)).status, 200);
  });

  test('the same URL with another x-rolegate-audience fails', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    const other = {
      ...wire,
      headers: { ...wire.headers, 'x-rolegate-audience': 'https://other-broker.example.test' },
    };
    assert.deepEqual(await refusal(f.sts, other), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: SIGNATURE_MISMATCH,
    });
  });

  test('a header listed as signed but not sent fails', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    const { 'x-rolegate-audience': _dropped, ...headers } = wire.headers;
    assert.equal((await refusal(f.sts, { ...wire, headers })).code, 'SignatureDoesNotMatch');
  });

  test('an extra unsigned header is harmless', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    const answer = await send(f.sts, {
      ...wire,
      headers: { ...wire.headers, 'x-unsigned': 'anything' },
    });
    assert.equal(answer.status, 200);
  });

  test('host must be among the signed headers', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    const path = withQueryParam(wire.path, 'X-Amz-SignedHeaders', 'x-rolegate-audience');
    assert.equal((await refusal(f.sts, { ...wire, path })).code, 'IncompleteSignature');
  });
});
