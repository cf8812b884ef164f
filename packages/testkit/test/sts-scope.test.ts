// Refusals for session tokens, hosts and regions, and the ±15 minute window (X-Amz-Expires is
// ignored, as by real STS). Requests are signed by @smithy/signature-v4, the clock moved.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { minutes, shift, useEmulator } from './support/emulator.ts';
import { refusal, send } from './support/http.ts';
import { presignGet, SIGNED_AT, signPost, withQueryParam } from './support/sign.ts';

const f = useEmulator();
const AUDIENCE = 'https://broker.example.test';

beforeEach(() => {
  f.now.value = SIGNED_AT;
});

describe('session tokens', () => {
  test('an ASIA key without its session token is InvalidClientTokenId', async () => {
    const { sessionToken: _omitted, ...noToken } = f.orders;
    const wire = await presignGet({ credentials: noToken });
    assert.equal(new URLSearchParams(wire.path.slice(2)).has('X-Amz-Security-Token'), false);
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
  });

  test('a wrong session token is InvalidClientTokenId', async () => {
    const wire = await presignGet({
      credentials: { ...f.orders, sessionToken: `${f.orders.sessionToken}x` },
    });
    assert.equal((await refusal(f.sts, wire)).code, 'InvalidClientTokenId');
  });

  test("another session's token is InvalidClientTokenId", async () => {
    const wire = await signPost({
      credentials: { ...f.orders, sessionToken: f.reviews.sessionToken as string },
    });
    assert.equal((await refusal(f.sts, wire)).code, 'InvalidClientTokenId');
  });

  test('a long-term key sent with a session token is InvalidClientTokenId', async () => {
    const wire = await presignGet({
      credentials: { ...f.alice, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' },
    });
    assert.equal((await refusal(f.sts, wire)).code, 'InvalidClientTokenId');
  });

  test('an expired session is ExpiredToken 403', async () => {
    const expiring = {
      ...f.orders,
      name: 'expiring',
      accessKeyId: 'ASIAEXPIRINGEXPIRING',
      sessionExpiration: shift(SIGNED_AT, minutes(5)).toISOString(),
    };
    f.sts.addIdentity(expiring);
    const wire = await presignGet({ credentials: expiring });
    assert.equal((await send(f.sts, wire)).status, 200);
    f.now.value = shift(SIGNED_AT, minutes(5));
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
    });
  });
});

describe('hosts and regions', () => {
  test('the global host wants us-east-1', async () => {
    const wire = await presignGet({ credentials: f.alice, region: 'us-west-2' });
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to a valid region, not 'us-west-2'. ",
    });
  });

  test('a regional host wants its own region', async () => {
    const wire = await signPost({
      credentials: f.alice,
      host: 'sts.eu-central-1.amazonaws.com',
      region: 'us-east-1',
    });
    assert.equal(
      (await refusal(f.sts, wire)).message,
      "Credential should be scoped to a valid region, not 'us-east-1'. ",
    );
  });

  test('another service in the scope is refused', async () => {
    const wire = await presignGet({ credentials: f.alice, service: 'iam' });
    assert.equal(
      (await refusal(f.sts, wire)).message,
      "Credential should be scoped to correct service: 'sts'. ",
    );
  });

  test('an unconfigured host is 421 MisdirectedRequest', async () => {
    for (const host of ['sts.amazonaws.com.evil.example', 'sts.evil.amazonaws.com', '127.0.0.1']) {
      const wire = await presignGet({ credentials: f.alice, host });
      const r = await refusal(f.sts, wire);
      assert.deepEqual([r.status, r.code], [421, 'MisdirectedRequest'], host);
    }
  });
});

describe('the ±15 minute window (X-Amz-Expires ignored)', () => {
  test('more than 15 minutes old: Signature expired', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.now.value = shift(SIGNED_AT, minutes(15) + 1000);
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'Signature expired: 20260304T050607Z is now earlier than 20260304T050608Z (20260304T052108Z - 15 min.)',
    });
  });

  test('more than 15 minutes ahead: Signature not yet current', async () => {
    const wire = await signPost({ credentials: f.alice });
    f.now.value = shift(SIGNED_AT, -minutes(15) - 1000);
    assert.deepEqual(await refusal(f.sts, wire), {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'Signature not yet current: 20260304T050607Z is still later than 20260304T050606Z (20260304T045106Z + 15 min.)',
    });
  });

  test('exactly 15 minutes either way is still accepted', async () => {
    const wire = await presignGet({ credentials: f.alice });
    for (const offset of [minutes(15), -minutes(15)]) {
      f.now.value = shift(SIGNED_AT, offset);
      assert.equal((await send(f.sts, wire)).status, 200);
    }
  });

  test('X-Amz-Expires=1 still works 10 minutes later', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE, expiresIn: 1 });
    f.now.value = shift(SIGNED_AT, minutes(10));
    assert.equal((await send(f.sts, wire)).status, 200);
  });

  test('the scope date must be the X-Amz-Date date', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const path = withQueryParam(
      wire.path,
      'X-Amz-Credential',
      `${f.alice.accessKeyId}/20260303/us-east-1/sts/aws4_request`,
    );
    assert.equal(
      (await refusal(f.sts, { ...wire, path })).message,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260303' != '20260304', from '20260304T050607Z'.",
    );
  });

  test('a malformed X-Amz-Date is IncompleteSignature', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const r = await refusal(f.sts, {
      ...wire,
      path: withQueryParam(wire.path, 'X-Amz-Date', '2026-03-04T05:06:07Z'),
    });
    assert.deepEqual([r.status, r.code], [400, 'IncompleteSignature']);
  });
});
