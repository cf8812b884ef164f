// The shared replay cache on a real redis-server: the cache's contract (atomic across replicas,
// expiry, prefixes, failing fast and closed), and brokers that share it — a proof spent at one
// replica is refused at the other, an unreachable Redis makes logins retryable 503s and /readyz
// "not ready", and the broker recovers when Redis comes back.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { parseBrokerConfig } from '../src/config/load-config.ts';
import { RedisReplayCache } from '../src/replay/redis-replay-cache.ts';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';
import { type RedisServer, skipWithoutRedis, startRedis } from './support/redis-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cacheOn(server: RedisServer, keyPrefix = 'rolegate:replay:'): RedisReplayCache {
  return new RedisReplayCache({ url: server.url, keyPrefix, commandTimeoutMs: 500 });
}

describe('Redis replay cache', { skip: skipWithoutRedis }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  it('claims once until the TTL runs out, then the key is free again', async () => {
    const cache = cacheOn(server);
    await cache.connect();
    try {
      assert.equal(await cache.seen('k1'), false);
      assert.equal(await cache.claim('k1', Date.now() + 300), true);
      assert.equal(await cache.seen('k1'), true);
      assert.equal(await cache.claim('k1', Date.now() + 60_000), false, 'still claimed');
      await sleep(400);
      assert.equal(await cache.seen('k1'), false);
      assert.equal(await cache.claim('k1', Date.now() + 60_000), true, 'free after its TTL');
    } finally {
      await cache.close();
    }
  });

  it('two replicas racing for one key: exactly one claim wins', async () => {
    const a = cacheOn(server);
    const b = cacheOn(server);
    await Promise.all([a.connect(), b.connect()]);
    try {
      for (let round = 0; round < 20; round++) {
        const key = `race-${round}`;
        const until = Date.now() + 60_000;
        const wins = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claim(key, until)),
        );
        assert.equal(wins.filter(Boolean).length, 1, `round ${round}: ${wins}`);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps keys under its prefix, with the TTL asked for; other prefixes do not collide', async () => {
    const one = cacheOn(server, 'deploy-1:');
    const two = cacheOn(server, 'deploy-2:');
    const raw = new Redis(server.url);
    await Promise.all([one.connect(), two.connect()]);
    try {
      assert.equal(await one.claim('shared', Date.now() + 30_000), true);
      assert.equal(await two.claim('shared', Date.now() + 30_000), true, 'another deployment');
      assert.equal(await raw.exists('deploy-1:shared'), 1);
      const ttl = await raw.pttl('deploy-1:shared');
      assert.ok(ttl > 28_000 && ttl <= 30_000, `pttl ${ttl}`);
    } finally {
      raw.disconnect();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('fails fast and closed when Redis is gone, and works again once it is back', async () => {
    const own = await startRedis();
    const cache = cacheOn(own);
    await cache.connect();
    try {
      assert.equal(await cache.claim('before', Date.now() + 60_000), true);
      await own.stop();
      await sleep(100);
      assert.equal(cache.ready, false);
      const started = Date.now();
      await assert.rejects(cache.claim('during', Date.now() + 60_000));
      await assert.rejects(cache.seen('during'));
      assert.ok(Date.now() - started < 2_000, 'no waiting behind a reconnect');
      const back = await startRedis({ port: own.port });
      try {
        for (let i = 0; i < 60 && !cache.ready; i++) await sleep(100);
        assert.equal(cache.ready, true, 'reconnected');
        assert.equal(await cache.claim('after', Date.now() + 60_000), true);
      } finally {
        await cache.close();
        await back.stop();
      }
    } finally {
      await cache.close();
    }
  });
});

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
