// The in-process replay cache's per-account quota: an account holding its quota of live claims is
// refused (429 with Retry-After until its earliest claim expires) while other accounts still
// claim, expired claims give their place back, and claims without an account are never charged.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdentityError } from '../../src/errors.ts';
import { MemoryReplayCache, ReplayAccountQuotaError } from '../../src/replay/replay-cache.ts';
import { replayOp } from '../../src/replay/replay-op.ts';

describe('memory replay cache: per-account quota', () => {
  it('refuses account A over its quota, with Retry-After; account B is unaffected', async () => {
    let now = 1_000_000;
    const cache = new MemoryReplayCache({ perAccountMaxEntries: 2, now: () => now });
    assert.equal(await cache.claim('a1', now + 30_000, 'aws:A'), true);
    assert.equal(await cache.claim('a2', now + 60_000, 'aws:A'), true);
    now += 5_000;
    await assert.rejects(cache.claim('a3', now + 60_000, 'aws:A'), (error: unknown) => {
      assert.ok(error instanceof ReplayAccountQuotaError);
      assert.equal(error.retryAfterSeconds, 25, 'until a1 expires');
      return true;
    });
    assert.equal(await cache.seen('a3'), false);
    assert.equal(await cache.claim('b1', now + 60_000, 'aws:B'), true);
    assert.equal(await cache.claim('free', now + 60_000), true, 'no account: not charged');
    assert.equal(await cache.claim('a1', now + 60_000, 'aws:A'), false, 'a replay stays a replay');
  });

  it('gives a place back when a claim expires', async () => {
    let now = 1_000_000;
    const cache = new MemoryReplayCache({ perAccountMaxEntries: 1, now: () => now });
    assert.equal(await cache.claim('a1', now + 10_000, 'aws:A'), true);
    await assert.rejects(cache.claim('a2', now + 60_000, 'aws:A'), ReplayAccountQuotaError);
    now += 12_000;
    assert.equal(await cache.claim('a2', now + 60_000, 'aws:A'), true);
    await assert.rejects(cache.claim('a3', now + 60_000, 'aws:A'), ReplayAccountQuotaError);
  });

  it('a refused login is identity code replay.account_quota with Retry-After', async () => {
    const cache = new MemoryReplayCache({ perAccountMaxEntries: 1 });
    await replayOp(cache, (c) => c.claim('a1', Date.now() + 60_000, 'aws:A'), 'claim');
    await assert.rejects(
      replayOp(cache, (c) => c.claim('a2', Date.now() + 60_000, 'aws:A'), 'claim'),
      (error: unknown) => {
        assert.ok(error instanceof IdentityError);
        assert.equal(error.code, 'replay.account_quota');
        assert.equal(error.spec.status, 429);
        assert.ok(error.retryAfterSeconds! >= 59);
        return true;
      },
    );
  });

  it('a full cache is still 503 replay.full before any quota', async () => {
    const cache = new MemoryReplayCache({ maxEntries: 2, perAccountMaxEntries: 5 });
    await cache.claim('x1', Date.now() + 60_000, 'aws:A');
    await cache.claim('x2', Date.now() + 60_000, 'aws:B');
    await assert.rejects(cache.claim('x3', Date.now() + 60_000, 'aws:C'), {
      code: 'replay.full',
    });
  });
});
