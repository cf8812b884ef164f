// GetCallerIdentity through the emulator, signed by @smithy/signature-v4 as a client would:
// presigned GET and header-signed POST, both answer formats, and the request shapes STS accepts.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { STS_XMLNS } from '../src/sts/render.ts';
import { useEmulator } from './support/emulator.ts';
import { jsonError, send } from './support/http.ts';
import { presignGet, SIGNED_AT, signPost } from './support/sign.ts';

const f = useEmulator();
const AUDIENCE = 'https://broker.example.test';

beforeEach(() => {
  f.now.value = SIGNED_AT;
});

describe('presigned GET', () => {
  test('answers JSON in STS shape for Accept: application/json', async () => {
    const wire = await presignGet({ credentials: f.orders, audience: AUDIENCE });
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    const requestId = answer.headers['x-amzn-requestid'];
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    assert.equal(
      answer.body,
      JSON.stringify({
        GetCallerIdentityResponse: {
          GetCallerIdentityResult: {
            Account: '111122223333',
            Arn: f.orders.arn,
            UserId: f.orders.userId,
          },
          ResponseMetadata: { RequestId: requestId },
        },
      }),
    );
    assert.equal(answer.headers['content-length'], String(Buffer.byteLength(answer.body)));
  });

  test('answers XML by default', async () => {
    const wire = await presignGet({ credentials: f.reviews, audience: AUDIENCE });
    const answer = await send(f.sts, wire);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'text/xml');
    const requestId = String(answer.headers['x-amzn-requestid']);
    assert.equal(
      answer.body,
      `<GetCallerIdentityResponse xmlns="${STS_XMLNS}">\n` +
        '  <GetCallerIdentityResult>\n' +
        `    <Arn>${f.reviews.arn}</Arn>\n` +
        `    <UserId>${f.reviews.userId}</UserId>\n` +
        '    <Account>111122223333</Account>\n' +
        '  </GetCallerIdentityResult>\n' +
        '  <ResponseMetadata>\n' +
        `    <RequestId>${requestId}</RequestId>\n` +
        '  </ResponseMetadata>\n' +
        '</GetCallerIdentityResponse>\n',
    );
  });

  test('a fresh request id on every answer', async () => {
    const wire = await presignGet({ credentials: f.alice });
    const a = await send(f.sts, wire);
    const b = await send(f.sts, wire);
    assert.equal(a.status, 200);
    assert.notEqual(a.headers['x-amzn-requestid'], b.headers['x-amzn-requestid']);
  });

  test('regional, FIPS, dual-stack, GovCloud and China hosts sign for their own region', async () => {
    const cases: Array<[string, string]> = [
      ['sts.eu-west-1.amazonaws.com', 'eu-west-1'],
      ['sts-fips.us-west-2.amazonaws.com', 'us-west-2'],
      ['sts.ap-southeast-2.api.aws', 'ap-southeast-2'],
      ['sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
      ['sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ];
    for (const [host, region] of cases) {
      const wire = await presignGet({ credentials: f.orders, host, region, audience: AUDIENCE });
      assert.equal((await send(f.sts, wire)).status, 200, host);
    }
  });

  test('the Host header may carry a port and any letter case', async () => {
    const wire = await presignGet({ credentials: f.alice, host: 'STS.amazonaws.com:443' });
    assert.equal((await send(f.sts, wire)).status, 200);
  });
});

describe('header-signed POST', () => {
  test('with x-amz-content-sha256 and a session token (SDK default)', async () => {
    const wire = await signPost({ credentials: f.orders, audience: AUDIENCE });
    assert.ok(wire.headers['x-amz-security-token']);
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body);
    assert.equal(body.GetCallerIdentityResponse.GetCallerIdentityResult.Arn, f.orders.arn);
  });

  test('without x-amz-content-sha256, long-term key, XML', async () => {
    const wire = await signPost({ credentials: f.alice, applyChecksum: false });
    assert.equal(wire.headers['x-amz-content-sha256'], undefined);
    const answer = await send(f.sts, wire);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<Arn>arn:aws:iam::111122223333:user\/alice<\/Arn>/);
  });

  test('a tampered body fails even though its hash header was signed', async () => {
    const wire = await signPost({ credentials: f.alice });
    wire.body = 'Action=GetCallerIdentity&Version=2011-06-15&X=1';
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(answer.status, 403);
    assert.equal(jsonError(answer).Code, 'SignatureDoesNotMatch');
  });
});

describe('actions', () => {
  test('another action is InvalidAction, naming it', async () => {
    const wire = await presignGet({
      credentials: f.alice,
      query: { Action: 'AssumeRole', Version: '2011-06-15' },
    });
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(answer.status, 400);
    assert.deepEqual(jsonError(answer), {
      Code: 'InvalidAction',
      Message: 'Could not find operation AssumeRole for version 2011-06-15',
      Type: 'Sender',
    });
  });

  test('a missing Version is InvalidAction with NO_VERSION_SPECIFIED', async () => {
    const wire = await presignGet({ credentials: f.alice, query: { Action: 'GetCallerIdentity' } });
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(
      jsonError(answer).Message,
      'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED',
    );
  });

  test('a missing Action is MissingAction', async () => {
    const wire = await presignGet({ credentials: f.alice, query: {} });
    const answer = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(answer.status, 400);
    assert.equal(jsonError(answer).Code, 'MissingAction');
  });

  test('the echoed action name is XML-escaped', async () => {
    const wire = await presignGet({
      credentials: f.alice,
      query: { Action: '<GetCallerIdentityResponse>&', Version: '2011-06-15' },
    });
    const answer = await send(f.sts, wire);
    assert.equal(answer.status, 400);
    assert.match(
      answer.body,
      /Could not find operation &lt;GetCallerIdentityResponse&gt;&amp; for/,
    );
    assert.doesNotMatch(answer.body, /<GetCallerIdentityResponse>/);
  });

  test('an unsigned request is MissingAuthenticationToken', async () => {
    const answer = await send(
      f.sts,
      {
        method: 'GET',
        path: '/?Action=GetCallerIdentity&Version=2011-06-15',
        headers: { host: 'sts.amazonaws.com' },
      },
      { accept: 'application/json' },
    );
    assert.equal(answer.status, 403);
    assert.deepEqual(jsonError(answer), {
      Code: 'MissingAuthenticationToken',
      Message: 'Request is missing Authentication Token',
      Type: 'Sender',
    });
  });
});

describe('bookkeeping', () => {
  test('calls counts requests and lastRequest records the last one as received', async () => {
    const before = f.sts.calls;
    const wire = await signPost({ credentials: f.alice });
    await send(f.sts, wire);
    assert.equal(f.sts.calls, before + 1);
    const last = f.sts.lastRequest;
    assert.ok(last);
    assert.equal(last.method, 'POST');
    assert.equal(last.url, '/');
    assert.equal(last.body, 'Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(last.headers['authorization'], wire.headers['authorization']);
  });

  test('addIdentity makes a new key usable and refuses a known one', async () => {
    const newcomer = {
      name: 'carol',
      accessKeyId: 'AKIAZZZZZZZZZZZZZZZ2',
      secretAccessKey: 'c'.repeat(40),
      arn: 'arn:aws:iam::444455556666:user/carol',
      userId: 'AIDAZZZZZZZZZZZZZZZZZ',
      account: '444455556666',
    };
    const wire = await presignGet({ credentials: newcomer });
    assert.equal((await send(f.sts, wire)).status, 403);
    f.sts.addIdentity(newcomer);
    const answer = await send(f.sts, wire);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<Account>444455556666<\/Account>/);
    assert.throws(() => f.sts.addIdentity(newcomer), TypeError);
    assert.throws(() => f.sts.addIdentity({ ...newcomer, accessKeyId: 'short' }), TypeError);
  });
});
