// The fault knobs, each changed at run time on a live emulator.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { beforeEach, describe, test } from 'node:test';
import { startStsEmulator } from '../src/index.ts';
import { useEmulator } from './support/emulator.ts';
import { jsonError, send } from './support/http.ts';
import { presignGet, SIGNED_AT } from './support/sign.ts';

const f = useEmulator();

beforeEach(() => {
  for (const key of Object.keys(f.sts.faults))
    delete f.sts.faults[key as keyof typeof f.sts.faults];
});

describe('fault knobs', () => {
  test('latencyMs delays the answer', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.sts.faults.latencyMs = 60;
    const started = performance.now();
    const answer = await send(f.sts, wire);
    // A lower bound only: timers never fire much early, but may fire late on a busy machine.
    assert.ok(performance.now() - started >= 50);
    assert.equal(answer.status, 200);
  });

  test('throttleRate 1 answers 400 Throttling "Rate exceeded", in both formats', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.sts.faults.throttleRate = 1;
    const json = await send(f.sts, wire, { accept: 'application/json' });
    assert.equal(json.status, 400);
    assert.deepEqual(jsonError(json), {
      Code: 'Throttling',
      Message: 'Rate exceeded',
      Type: 'Sender',
    });
    assert.equal(JSON.parse(json.body).RequestId, json.headers['x-amzn-requestid']);
    const xml = await send(f.sts, wire);
    assert.equal(xml.status, 400);
    assert.match(xml.body, /<Code>Throttling<\/Code>\n {4}<Message>Rate exceeded<\/Message>/);
    f.sts.faults.throttleRate = 0;
    assert.equal((await send(f.sts, wire)).status, 200);
  });

  test('serverErrorRate 1 answers 500 InternalFailure or 503 ServiceUnavailable', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.sts.faults.serverErrorRate = 1;
    const seen = new Set<number>();
    // Each answer is one of the two at random; 40 tries see both but for a 2^-39 chance.
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const answer = await send(f.sts, wire, { accept: 'application/json' });
      const error = jsonError(answer);
      assert.equal(error.Type, 'Receiver');
      if (answer.status === 500) assert.equal(error.Code, 'InternalFailure');
      else if (answer.status === 503) assert.equal(error.Code, 'ServiceUnavailable');
      else assert.fail(`unexpected status ${answer.status}`);
      seen.add(answer.status);
    }
    assert.deepEqual([...seen].sort(), [500, 503]);
  });

  test('redirectTo answers 302 with Location', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.sts.faults.redirectTo = 'http://127.0.0.1:9/elsewhere';
    const answer = await send(f.sts, wire);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, 'http://127.0.0.1:9/elsewhere');
    assert.equal(answer.body, '');
  });

  test('contentType overrides the type of a successful answer only', async () => {
    f.sts.faults.contentType = 'text/html';
    const ok = await send(f.sts, await presignGet({ credentials: f.alice }));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['content-type'], 'text/html');
    const bad = await send(
      f.sts,
      await presignGet({ credentials: { ...f.alice, secretAccessKey: 'x' } }),
    );
    assert.equal(bad.status, 403);
    assert.equal(bad.headers['content-type'], 'text/xml');
  });

  test('oversizedBodyBytes pads a successful answer to that size, still parseable', async () => {
    f.sts.faults.oversizedBodyBytes = 100_000;
    const answer = await send(f.sts, await presignGet({ credentials: f.alice }), {
      accept: 'application/json',
    });
    assert.equal(answer.status, 200);
    assert.equal(Buffer.byteLength(answer.body), 100_000);
    assert.equal(answer.headers['content-length'], '100000');
    assert.equal(
      JSON.parse(answer.body).GetCallerIdentityResponse.GetCallerIdentityResult.Arn,
      f.alice.arn,
    );
  });

  test('malformedBody answers 200 with the body as-is, whatever the request', async () => {
    f.sts.faults.malformedBody = '{"GetCallerIdentityResponse": {';
    const answer = await send(
      f.sts,
      { method: 'GET', path: '/', headers: { host: 'sts.amazonaws.com' } },
      { accept: 'application/json' },
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '{"GetCallerIdentityResponse": {');
    assert.equal(answer.headers['content-type'], 'application/json');
  });

  test('respond sends exactly the given status, headers and body', async () => {
    const hostile =
      '<ErrorResponse><Error><Message><GetCallerIdentityResponse><GetCallerIdentityResult>' +
      '<Arn>arn:aws:iam::999999999999:role/victim</Arn></GetCallerIdentityResult>' +
      '</GetCallerIdentityResponse></Message></Error></ErrorResponse>';
    f.sts.faults.respond = {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-custom': '1' },
      body: hostile,
    };
    const answer = await send(f.sts, await presignGet({ credentials: f.alice }));
    assert.equal(answer.status, 200);
    assert.equal(answer.body, hostile);
    assert.equal(answer.headers['x-custom'], '1');
    assert.equal(answer.headers['x-amzn-requestid'], undefined);
    assert.equal(answer.headers.date, undefined);
  });

  test('faults apply per request: clearing one restores normal answers', async () => {
    const wire = await presignGet({ credentials: f.alice });
    f.sts.faults.redirectTo = 'https://example.test/';
    assert.equal((await send(f.sts, wire)).status, 302);
    delete f.sts.faults.redirectTo;
    assert.equal((await send(f.sts, wire)).status, 200);
  });
});

test('hang accepts the request, never answers, and close() still ends it', async (t) => {
  const sts = await startStsEmulator({ identities: [f.alice], clock: () => SIGNED_AT });
  t.after(() => sts.close());
  sts.faults.hang = true;
  const pending = send(sts, await presignGet({ credentials: f.alice }));
  const outcome = pending.then(
    () => 'answered',
    () => 'failed',
  );
  // Bounded wait until the request has arrived.
  for (let i = 0; i < 200 && sts.calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(sts.calls, 1);
  await sts.close();
  assert.equal(await outcome, 'failed');
});

test('close() ends a request that is waiting out latencyMs', async (t) => {
  const sts = await startStsEmulator({ identities: [f.alice], clock: () => SIGNED_AT });
  t.after(() => sts.close());
  sts.faults.latencyMs = 600_000;
  const outcome = send(sts, await presignGet({ credentials: f.alice })).then(
    () => 'answered',
    () => 'failed',
  );
  for (let i = 0; i < 200 && sts.calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await sts.close();
  assert.equal(await outcome, 'failed');
});
