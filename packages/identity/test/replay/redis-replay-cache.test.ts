// The shared replay cache on a real redis-server: the cache's contract (atomic across hosts,
// expiry, prefixes, failing fast and closed) and the per-account quota (atomic with the claim,
// counted with the server's clock, freed as claims expire). Servers of their own: broker and
// gateway tests start theirs.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  type RedisServer,
  skipWithoutRedis,
  startRedis,
} from '../../../broker/test/support/redis-server.ts';
import { RedisReplayCache } from '../../src/replay/redis-replay-cache.ts';
import { ReplayAccountQuotaError } from '../../src/replay/replay-cache.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cacheOn(
  server: RedisServer,
  options: { keyPrefix?: string; perAccountMaxEntries?: number } = {},
): RedisReplayCache {
  return new RedisReplayCache({
    url: server.url,
    keyPrefix: options.keyPrefix ?? 'rolegate:replay:',
    commandTimeoutMs: 500,
    perAccountMaxEntries: options.perAccountMaxEntries,
  });
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

  it('two hosts racing for one key: exactly one claim wins, with or without an account', async () => {
    const a = cacheOn(server, { perAccountMaxEntries: 1000 });
    const b = cacheOn(server, { perAccountMaxEntries: 1000 });
    await Promise.all([a.connect(), b.connect()]);
    try {
      for (let round = 0; round < 20; round++) {
        const key = `race-${round}`;
        const until = Date.now() + 60_000;
        const account = round % 2 === 0 ? 'aws:111122223333' : undefined;
        const wins = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).claim(key, until, account)),
        );
        assert.equal(wins.filter(Boolean).length, 1, `round ${round}: ${wins}`);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps keys under its prefix, with the TTL asked for; other prefixes do not collide', async () => {
    const one = cacheOn(server, { keyPrefix: 'deploy-1:', perAccountMaxEntries: 10 });
    const two = cacheOn(server, { keyPrefix: 'deploy-2:' });
    const raw = new Redis(server.url);
    await Promise.all([one.connect(), two.connect()]);
    try {
      assert.equal(await one.claim('shared', Date.now() + 30_000), true);
      assert.equal(await two.claim('shared', Date.now() + 30_000), true, 'another deployment');
      assert.equal(await raw.exists('deploy-1:shared'), 1);
      const ttl = await raw.pttl('deploy-1:shared');
      assert.ok(ttl > 28_000 && ttl <= 30_000, `pttl ${ttl}`);
      // The script's keys are prefixed too: the claim and the account's set.
      assert.equal(await one.claim('charged', Date.now() + 30_000, 'aws:111122223333'), true);
      assert.equal(await raw.exists('deploy-1:charged'), 1);
      assert.equal(await raw.zcard('deploy-1:quota:aws:111122223333'), 1);
      const setTtl = await raw.pttl('deploy-1:quota:aws:111122223333');
      assert.ok(setTtl > 28_000 && setTtl <= 30_000, `set pttl ${setTtl}`);
      assert.equal(await raw.exists('charged'), 0);
    } finally {
      raw.disconnect();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('fails fast and closed when Redis is gone, and works again once it is back', async () => {
    const own = await startRedis();
    const cache = cacheOn(own, { perAccountMaxEntries: 5 });
    await cache.connect();
    try {
      assert.equal(await cache.claim('before', Date.now() + 60_000), true);
      await own.stop();
      await sleep(100);
      assert.equal(cache.ready, false);
      const started = Date.now();
      await assert.rejects(cache.claim('during', Date.now() + 60_000));
      await assert.rejects(cache.claim('during', Date.now() + 60_000, 'aws:111122223333'));
      await assert.rejects(cache.seen('during'));
      assert.ok(Date.now() - started < 2_000, 'no waiting behind a reconnect');
      const back = await startRedis({ port: own.port });
      try {
        for (let i = 0; i < 60 && !cache.ready; i++) await sleep(100);
        assert.equal(cache.ready, true, 'reconnected');
        assert.equal(await cache.claim('after', Date.now() + 60_000), true);
        // The new server has never seen the script: EVALSHA falls back to EVAL.
        assert.equal(await cache.claim('after-2', Date.now() + 60_000, 'aws:1'), true);
      } finally {
        await cache.close();
        await back.stop();
      }
    } finally {
      await cache.close();
    }
  });
});

describe('Redis replay cache: per-account quota', { skip: skipWithoutRedis }, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses an account over its quota with Retry-After; other accounts and plain claims pass', async () => {
    const cache = cacheOn(server, { keyPrefix: 'q1:', perAccountMaxEntries: 3 });
    await cache.connect();
    try {
      const until = Date.now() + 120_000;
      for (const k of ['a1', 'a2', 'a3']) assert.equal(await cache.claim(k, until, 'aws:A'), true);
      await assert.rejects(cache.claim('a4', until, 'aws:A'), (error: unknown) => {
        assert.ok(error instanceof ReplayAccountQuotaError);
        assert.equal(error.code, 'replay.account_quota');
        assert.ok(error.retryAfterSeconds! > 100 && error.retryAfterSeconds! <= 120);
        return true;
      });
      assert.equal(await cache.seen('a4'), false, 'a refused claim leaves nothing behind');
      assert.equal(await cache.claim('b1', until, 'aws:B'), true, 'another account');
      // A replayed key is "taken", not a quota refusal: the replay answer wins.
      assert.equal(await cache.claim('a1', until, 'aws:A'), false);
    } finally {
      await cache.close();
    }
  });

  it('frees a place when one of the account claims expires', async () => {
    const cache = cacheOn(server, { keyPrefix: 'q2:', perAccountMaxEntries: 2 });
    await cache.connect();
    try {
      assert.equal(await cache.claim('short', Date.now() + 300, 'aws:A'), true);
      assert.equal(await cache.claim('long', Date.now() + 60_000, 'aws:A'), true);
      await assert.rejects(cache.claim('next', Date.now() + 60_000, 'aws:A'), {
        code: 'replay.account_quota',
      });
      await sleep(450);
      assert.equal(await cache.claim('next', Date.now() + 60_000, 'aws:A'), true);
    } finally {
      await cache.close();
    }
  });

  it('two hosts filling one account at once: never more claims than the quota', async () => {
    const a = cacheOn(server, { keyPrefix: 'q3:', perAccountMaxEntries: 7 });
    const b = cacheOn(server, { keyPrefix: 'q3:', perAccountMaxEntries: 7 });
    await Promise.all([a.connect(), b.connect()]);
    try {
      const until = Date.now() + 60_000;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claim(`k${i}`, until, 'aws:A')),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled' && o.value).length, 7);
      assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 33);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
