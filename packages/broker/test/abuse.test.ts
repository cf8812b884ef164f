// Abuse of the token endpoint itself: floods, slow clients, secrets in the wrong place.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startHarness, tokenForm } from './support/harness.ts';

describe('abuse of the token endpoint', () => {
  it('per-IP rate limit: 429 request.rate_limited with Retry-After, before STS is called', async () => {
    const h = await startHarness({ limits: { tokenRequestsPerIpPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++)
        assert.notEqual((await h.exchange(tokenForm('rgsts1.x'))).status, 429);
      const callsBefore = h.sts.calls;
      const limited = await h.login('orders');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.rolegate_code, 'request.rate_limited');
      assert.equal(limited.body.error, 'temporarily_unavailable');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(h.sts.calls, callsBefore);
      assert.equal(
        (await fetch(`${h.brokerUrl}/healthz`)).status,
        200,
        'other endpoints are not limited',
      );
    } finally {
      await h.close();
    }
  });

  it('a client that sends its body too slowly is cut off (slow-loris)', async () => {
    const h = await startHarness({ limits: { requestTimeoutMs: 1000 } });
    try {
      const { port } = new URL(h.brokerUrl);
      const socket = connect(Number(port), '127.0.0.1');
      socket.write(
        'POST /v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na',
      );
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
        setTimeout(() => socket.destroy(), 8000); // bound the test
      });
      assert.ok(Date.now() - started < 7000, 'closed by the broker, not by the test');
      // Node answers 408 or just closes, depending on which of its timers fires first.
      assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
    } finally {
      await h.close();
    }
  });

  it('a proof sent in the query string never reaches the log', async () => {
    const h = await startHarness();
    try {
      const proof = await h.proofFor('orders');
      const res = await fetch(`${h.brokerUrl}/v1/token?${new URLSearchParams(tokenForm(proof))}`, {
        method: 'POST',
      });
      assert.equal(res.status, 415);
      assert.ok(!h.logs().includes(proof.slice(7, 60)), 'proof found in the log');
      assert.match(h.logs(), /"path":"\/v1\/token"/);
    } finally {
      await h.close();
    }
  });
});
