// Failover between brokers that share an issuer, against real brokers (each in front of its own STS
// emulator, sharing one replay cache as replicas share Redis) and small loopback servers that
// answer what a broker answers when it is unavailable or rate-limits. Back-off is read through the
// injected sleep and jitter source, never by timing.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDevIdentities, type StsIdentity } from '@rolegate/testkit';
import { type Harness, LOGIN_AUDIENCE, startHarness } from '../../broker/test/support/harness.ts';
import { MemoryReplayCache, type ReplayCache } from '../../identity/src/index.ts';
import {
  BrokerFailover,
  type FailoverEvent,
  fromBrokerWithAwsCredentials,
  STS_PROOF_TOKEN_TYPE,
  TokenSource,
} from '../src/index.ts';

const AUDIENCE = 'https://billing.example';

/** One replay cache for every broker, recording each proof key a broker looked up. */
class RecordingReplayCache implements ReplayCache {
  readonly seenKeys: string[] = [];
  readonly #inner = new MemoryReplayCache();
  seen(key: string) {
    this.seenKeys.push(key);
    return this.#inner.seen(key);
  }
  claim(key: string, expiresAtMs: number) {
    return this.#inner.claim(key, expiresAtMs);
  }
  // Each broker closes its replay cache; the shared one outlives them.
  async close() {}
}

/** A loopback server answering every token request with `status` (and Retry-After). */
async function unavailableBroker(
  status: number,
  retryAfterSeconds?: number,
): Promise<{ url: string; tokens: string[]; close: () => Promise<void> }> {
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      tokens.push(new URLSearchParams(body).get('subject_token') ?? '');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
      res.writeHead(status, headers);
      res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'busy' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A clock that only moves when the exchange sleeps; the sleeps are recorded. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('broker failover', () => {
  const identities: StsIdentity[] = createDevIdentities();
  const replay = new RecordingReplayCache();
  let a: Harness;
  let b: Harness;
  let orders: StsIdentity;

  before(async () => {
    // Two replicas: one issuer, one login audience, one replay cache.
    a = await startHarness({}, { identities, replayCache: replay });
    b = await startHarness({}, { identities, replayCache: replay });
    orders = identities.find((i) => i.name === 'orders')!;
  });
  after(async () => {
    await a.close().catch(() => {});
    await b.close();
  });

  const credentials = () => ({
    accessKeyId: orders.accessKeyId,
    secretAccessKey: orders.secretAccessKey,
    sessionToken: orders.sessionToken,
  });

  it('a broker that answers 503 is left for the next, with a new proof for each', async () => {
    a.sts.faults.respond = { status: 503, body: 'ServiceUnavailable' };
    try {
      const events: FailoverEvent[] = [];
      const before = replay.seenKeys.length;
      const provider = fromBrokerWithAwsCredentials({
        brokerUrl: [a.brokerUrl, b.brokerUrl],
        loginAudience: LOGIN_AUDIENCE,
        credentials: credentials(),
        endpoint: { kind: 'regional', region: 'us-east-1' },
        failover: { onFailover: (e) => events.push(e), sleep: async () => {} },
      });
      const token = await provider(AUDIENCE);
      assert.ok(token.accessToken);
      assert.deepEqual(
        events.map((e) => [e.brokerUrl, e.code]),
        [[new URL(a.brokerUrl).href, 'client.broker_rejected']],
      );
      // Broker A looked the first proof up (and called STS), B another one: none came twice.
      const keys = replay.seenKeys.slice(before);
      assert.equal(keys.length, 2);
      assert.equal(new Set(keys).size, 2);
      assert.ok(a.sts.calls > 0);
    } finally {
      a.sts.faults.respond = undefined;
    }
  });

  it('a killed replica: the token source keeps refreshing through the other, then skips it', async () => {
    const events: FailoverEvent[] = [];
    const source = new TokenSource({
      provider: fromBrokerWithAwsCredentials({
        brokerUrl: `${a.brokerUrl},${b.brokerUrl}`,
        loginAudience: LOGIN_AUDIENCE,
        credentials: credentials(),
        endpoint: { kind: 'regional', region: 'us-east-1' },
        failover: { onFailover: (e) => events.push(e), sleep: async () => {} },
      }),
    });
    const bCalls = b.sts.calls;
    await source.getToken(AUDIENCE);
    assert.equal(b.sts.calls, bCalls, 'the first broker answered while it was up');
    await a.close();
    source.invalidate(AUDIENCE);
    await source.getToken(AUDIENCE);
    assert.deepEqual(
      events.map((e) => e.code),
      ['client.broker_unreachable'],
    );
    assert.equal(b.sts.calls, bCalls + 1);
    // Steady state: the dead broker is passed over, no failed connect first.
    source.invalidate(AUDIENCE);
    await source.getToken(AUDIENCE);
    assert.equal(events.length, 1);
    assert.equal(b.sts.calls, bCalls + 2);
    assert.equal(new Set(replay.seenKeys).size, replay.seenKeys.length, 'no proof twice');
  });

  it('every broker down: client.all_brokers_failed naming each, after bounded back-off', async () => {
    const time = fakeTime();
    const urls = [await deadUrl(), await deadUrl()];
    const failover = new BrokerFailover({
      brokerUrl: urls,
      loginAudience: LOGIN_AUDIENCE,
      failover: { ...time, random: () => 1, backoffBaseMs: 100, backoffMaxMs: 250 },
    });
    let proofs = 0;
    const error = await failover
      .exchange({
        audience: AUDIENCE,
        subjectTokenType: STS_PROOF_TOKEN_TYPE,
        subjectToken: async () => `rgsts1.proof-${++proofs}`,
      })
      .catch((e: unknown) => e);
    assert.equal((error as { code?: string }).code, 'client.all_brokers_failed');
    for (const url of urls) assert.match((error as Error).message, new RegExp(url));
    assert.doesNotMatch((error as Error).message, /proof-/);
    // Four attempts (twice the brokers), each with its own proof; waits doubling to the cap.
    assert.equal(proofs, 4);
    assert.deepEqual(time.sleeps, [100, 200, 250]);
  });

  it('Retry-After is honoured, and a wait past the deadline is not started', async () => {
    const first = await unavailableBroker(503, 7);
    const second = await unavailableBroker(503, 120);
    try {
      const time = fakeTime();
      const failover = new BrokerFailover({
        brokerUrl: [first.url, second.url],
        loginAudience: LOGIN_AUDIENCE,
        failover: { ...time, random: () => 0, deadlineMs: 10_000 },
      });
      const error = await failover
        .exchange({
          audience: AUDIENCE,
          subjectTokenType: STS_PROOF_TOKEN_TYPE,
          subjectToken: async ({ brokerUrl }) => `rgsts1.${brokerUrl}.${time.now()}`,
        })
        .catch((e: unknown) => e);
      assert.equal((error as { code?: string }).code, 'client.all_brokers_failed');
      assert.equal((error as { retryAfterSeconds?: number }).retryAfterSeconds, 7);
      // first (503, 7 s) → second at once (jitter 0) → first again after its 7 s, never the
      // second before its 120 s → first's next 7 s would end past the 10 s deadline: stop.
      assert.deepEqual(time.sleeps, [7_000]);
      assert.equal(first.tokens.length, 2);
      assert.equal(second.tokens.length, 1);
      const sent = [...first.tokens, ...second.tokens];
      assert.equal(new Set(sent).size, sent.length, 'a new subject token for every attempt');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a broker that said Retry-After is not asked again before then', async () => {
    const busy = await unavailableBroker(503, 60);
    try {
      const time = fakeTime();
      const failover = new BrokerFailover({
        brokerUrl: [busy.url, b.brokerUrl],
        loginAudience: LOGIN_AUDIENCE,
        failover: {
          ...time,
          onFailover: () => {
            throw new Error('a broken log hook');
          },
        },
      });
      const login = () =>
        failover.exchange({
          audience: AUDIENCE,
          subjectTokenType: STS_PROOF_TOKEN_TYPE,
          subjectToken: () => b.proofFor('orders'),
        });
      assert.ok((await login()).accessToken);
      assert.equal(busy.tokens.length, 1);
      time.sleeps.length = 0;
      // Within its minute the busy broker is passed over: straight to the other, no wait.
      assert.ok((await login()).accessToken);
      assert.equal(busy.tokens.length, 1);
      assert.deepEqual(time.sleeps, []);
    } finally {
      await busy.close();
    }
  });

  it('a broker that dies holding the request (reset): the next gets another proof', async () => {
    // Reads the whole request — the proof reached it — then the connection is reset, as when the
    // process is killed mid-request.
    const received: string[] = [];
    const dying = createNetServer((socket) => {
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
        if (data.includes('subject_token=')) {
          received.push(data);
          socket.resetAndDestroy();
        }
      });
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    const dyingUrl = `http://127.0.0.1:${(dying.address() as AddressInfo).port}`;
    try {
      const sent: string[] = [];
      const failover = new BrokerFailover({
        brokerUrl: [dyingUrl, b.brokerUrl],
        loginAudience: LOGIN_AUDIENCE,
        failover: { sleep: async () => {} },
      });
      const token = await failover.exchange({
        audience: AUDIENCE,
        subjectTokenType: STS_PROOF_TOKEN_TYPE,
        subjectToken: async () => {
          const proof = await b.proofFor('orders');
          sent.push(proof);
          return proof;
        },
      });
      assert.ok(token.accessToken);
      assert.equal(received.length, 1);
      assert.equal(sent.length, 2);
      assert.notEqual(sent[0], sent[1]);
      assert.ok(received[0]!.includes(encodeURIComponent(sent[0]!).slice(0, 40)));
    } finally {
      await new Promise((resolve) => dying.close(resolve));
    }
  });

  it('429 is not failed over: the next broker is not asked', async () => {
    const limited = await unavailableBroker(429, 30);
    const other = await unavailableBroker(503);
    try {
      const failover = new BrokerFailover({
        brokerUrl: [limited.url, other.url],
        loginAudience: LOGIN_AUDIENCE,
      });
      await assert.rejects(
        failover.exchange({
          audience: AUDIENCE,
          subjectTokenType: STS_PROOF_TOKEN_TYPE,
          subjectToken: async () => 'rgsts1.x',
        }),
        { code: 'client.broker_rejected', status: 429, retryAfterSeconds: 30 },
      );
      assert.equal(other.tokens.length, 0);
    } finally {
      await limited.close();
      await other.close();
    }
  });

  it('a broker issuing for another issuer than expected is client.issuer_mismatch', async () => {
    const failover = new BrokerFailover({
      brokerUrl: b.brokerUrl,
      loginAudience: LOGIN_AUDIENCE,
      expectedIssuer: 'https://elsewhere.example',
      failover: { sleep: async () => {} },
    });
    await assert.rejects(
      failover.exchange({
        audience: AUDIENCE,
        subjectTokenType: STS_PROOF_TOKEN_TYPE,
        subjectToken: () => b.proofFor('orders'),
      }),
      { code: 'client.issuer_mismatch' },
    );
  });

  it('broker lists: commas, arrays, duplicates; a plain-http remote broker is refused', () => {
    const list = new BrokerFailover({
      brokerUrl: ['http://127.0.0.1:1, http://127.0.0.1:2', 'http://127.0.0.1:1/'],
    }).brokerUrls;
    assert.deepEqual(list, ['http://127.0.0.1:1/', 'http://127.0.0.1:2/']);
    assert.throws(() => new BrokerFailover({ brokerUrl: 'https://a.example,http://b.example' }), {
      code: 'client.invalid_option',
    });
    assert.throws(() => new BrokerFailover({ brokerUrl: ' , ' }), {
      code: 'client.invalid_option',
    });
  });
});
