// Brokers sharing the Redis replay cache on a real redis-server: a proof spent at one replica is
// refused at the other, an unreachable Redis makes logins retryable 503s and /readyz "not ready",
// the broker recovers when Redis comes back, and one account over its quota is 429 while another
// still logs in.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBrokerConfig } from '../src/config/load-config.ts';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';
import { type RedisServer, skipWithoutRedis, startRedis } from './support/redis-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The cache's own contract (atomic claims, expiry, prefixes, failing fast, the quota script) is
// tested in @rolegate/identity, which owns it: packages/identity/test/replay/.

describe('brokers sharing a Redis replay cache', { skip: skipWithoutRedis }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  it('a proof spent at one replica is refused at the other', async () => {
    const replay = { redis: { url: server.url } };
    const a = await startHarness({ replay });
    let b: Harness | undefined;
    try {
      b = await startHarness({ replay }, { identities: a.identities });
      const proof = await a.proofFor('orders');
      const first = await a.exchange(tokenForm(proof));
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const second = await b.exchange(tokenForm(proof));
      assert.equal(second.status, 401);
      assert.equal(second.body.rolegate_code, 'proof.replayed');
      // A fresh proof still works at the second replica: it is the proof that is spent.
      assert.equal((await b.login('orders')).status, 200);
    } finally {
      await b?.close();
      await a.close();
    }
  });

  it('Redis unreachable: logins are 503 with Retry-After, /readyz is 503; both recover', async () => {
    const own = await startRedis();
    const h = await startHarness({ replay: { redis: { url: own.url, commandTimeoutMs: 300 } } });
    let back: RedisServer | undefined;
    try {
      assert.equal((await fetch(`${h.brokerUrl}/readyz`)).status, 200);
      await own.stop();
      await sleep(100);
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'broker.replay_cache_unavailable');
      assert.ok(res.headers.get('retry-after'));
      assert.equal(res.body.access_token, undefined);
      assert.equal((await fetch(`${h.brokerUrl}/readyz`)).status, 503);
      back = await startRedis({ port: own.port });
      let ready = 503;
      for (let i = 0; i < 60 && ready !== 200; i++) {
        await sleep(100);
        ready = (await fetch(`${h.brokerUrl}/readyz`)).status;
      }
      assert.equal(ready, 200);
      assert.equal((await h.login('orders')).status, 200);
    } finally {
      await h.close();
      await back?.stop();
    }
  });

  it('does not start when Redis does not answer, naming the option and never the password', async () => {
    const dead = await startRedis();
    await dead.stop();
    await assert.rejects(
      startHarness({
        replay: {
          redis: { url: `redis://:s3cret-pass@127.0.0.1:${dead.port}`, commandTimeoutMs: 300 },
        },
      }),
      (error: Error) => {
        assert.match(error.message, /replay\.redis\.url: 127\.0\.0\.1:\d+ did not answer/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      },
    );
  });

  it('warns when the server may evict used proofs', async () => {
    const lru = await startRedis({ maxmemoryPolicy: 'allkeys-lru' });
    const h = await startHarness({ replay: { redis: { url: lru.url } } });
    try {
      assert.match(h.logs(), /maxmemory-policy noeviction/);
      assert.match(h.logs(), /"maxmemoryPolicy":"allkeys-lru"/);
    } finally {
      await h.close();
      await lru.stop();
    }
  });
});

describe('replay.redis configuration', () => {
  const base = { issuer: 'http://broker.test', dev: true, stateDir: '/tmp/unused' };
  it('takes redis:// and rediss:// URLs with defaults, and refuses anything else', () => {
    const config = parseBrokerConfig({
      ...base,
      replay: { redis: { url: 'rediss://r.example:6380/2' } },
    });
    assert.deepEqual(config.replay.redis, {
      url: 'rediss://r.example:6380/2',
      keyPrefix: 'rolegate:replay:',
      commandTimeoutMs: 1000,
    });
    for (const url of ['http://r.example', 'redis:/nohost', 'r.example:6379', '']) {
      assert.throws(
        () => parseBrokerConfig({ ...base, replay: { redis: { url } } }),
        /replay\.redis\.url/,
        url,
      );
    }
    assert.throws(
      () => parseBrokerConfig({ ...base, replay: { redis: { url: 'redis://r', db: 2 } } }),
      /replay\.redis/,
    );
  });
});
