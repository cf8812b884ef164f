// Abuse of the token endpoint itself: floods, slow clients, secrets in the wrong place.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '../src/index.ts';
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

  // A client that keeps sending a byte now and then defeats an idle timer: only the head and
  // request deadlines stop it, and they must hold to their configured values (a second of slack
  // for Node's periodic check), not to Node's defaults.
  for (const [label, head, deadlineMs] of [
    ['a head that trickles in', 'POST /v1/token HTTP/1.1\r\nHost: x\r\n', 1_000],
    [
      'a body that trickles in',
      'POST /v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
      2_000,
    ],
  ] as const) {
    it(`${label} is cut off at its deadline, however steadily it trickles`, async () => {
      const h = await startHarness({
        limits: { requestTimeoutMs: 2_000, headersTimeoutMs: 1_000 },
      });
      const { port } = new URL(h.brokerUrl);
      const socket = connect(Number(port), '127.0.0.1');
      const trickle = setInterval(
        () => socket.writable && socket.write(label.includes('head') ? 'X-Slow: 1\r\n' : 'a'),
        200,
      );
      try {
        socket.write(head);
        const started = Date.now();
        const answer = await new Promise<string>((resolve) => {
          let data = '';
          socket.on('data', (d) => (data += d));
          socket.on('close', () => resolve(data));
          setTimeout(() => socket.destroy(), 10_000); // bound the test
        });
        const elapsed = Date.now() - started;
        assert.ok(
          elapsed < deadlineMs + 1_000,
          `cut after ${elapsed} ms (deadline ${deadlineMs} ms)`,
        );
        assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
      } finally {
        clearInterval(trickle);
        socket.destroy();
        await h.close();
      }
    });
  }

  it('head, request and keep-alive deadlines are checked at start', () => {
    assert.throws(
      () =>
        parseBrokerConfig({
          issuer: 'https://b.example',
          limits: { requestTimeoutMs: 2_000, headersTimeoutMs: 3_000 },
        }),
      /headersTimeoutMs/,
    );
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
