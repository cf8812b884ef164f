// Overload shedding on the token port: a real broker and STS emulator on loopback. Past
// `limits.maxInFlight` (here 1, with STS answering slowly so a login holds its slot), a token
// request is answered 503 broker.overloaded with Retry-After before its body is read; probes on
// both ports still answer, and /metrics counts the shed request. No assertion on speed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';

async function metric(h: Harness, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${h.broker.adminUrl}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

async function eventually(probe: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > until) assert.fail('condition never became true');
    await sleep(20);
  }
}

describe('broker: requests in flight bounded', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ limits: { tokenRequestsPerIpPerMinute: 0, maxInFlight: 1 } });
  });
  after(() => h.close());

  it('a token request beyond maxInFlight is 503 broker.overloaded; probes still answer', async () => {
    h.sts.faults.latencyMs = 500;
    const held = h.login(h.identities[0]!);
    await eventually(async () => (await metric(h, /^rolegate_requests_in_flight /)) === 1);
    const proof = await h.proofFor(h.identities[1]!);
    const shed = await h.exchange(tokenForm(proof));
    assert.equal(shed.status, 503);
    assert.equal(shed.headers.get('retry-after'), '1');
    assert.equal(shed.headers.get('cache-control'), 'no-store');
    assert.deepEqual(shed.body, {
      error: 'temporarily_unavailable',
      error_description: 'the broker is overloaded; retry later',
      rolegate_code: 'broker.overloaded',
    });
    // The token port's own probes (opsOnMainPort) pass the guard; so does the admin listener.
    assert.equal((await fetch(`${h.brokerUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.broker.adminUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.broker.adminUrl}/readyz`)).status, 200);
    assert.equal(await metric(h, /^rolegate_requests_shed_total\{reason="in_flight"\}/), 1);
    assert.equal((await held).status, 200);
    h.sts.faults.latencyMs = 0;
    // The shed request's proof was never read, so it was never claimed: it still logs in.
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
    await eventually(async () => (await metric(h, /^rolegate_requests_in_flight /)) === 0);
  });
});
