// The replay cache's contract, and tokens signed with each selectable algorithm.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { MemoryReplayCache, ReplayCacheFullError } from '../../identity/src/replay/replay-cache.ts';
import { startHarness } from './support/harness.ts';

describe('memory replay cache', () => {
  it('claims once until expiry, then the key is free again', async () => {
    let now = 1_000;
    const cache = new MemoryReplayCache({ now: () => now });
    assert.equal(await cache.claim('k', 2_000), true);
    assert.equal(await cache.seen('k'), true);
    assert.equal(await cache.claim('k', 3_000), false);
    now = 2_000;
    assert.equal(await cache.seen('k'), false);
    assert.equal(await cache.claim('k', 3_000), true);
  });
  it('when full, refuses new claims instead of evicting live ones', async () => {
    let now = 0;
    const cache = new MemoryReplayCache({ maxEntries: 3, now: () => now });
    for (const k of ['a', 'b', 'c']) assert.equal(await cache.claim(k, 10_000), true);
    await assert.rejects(cache.claim('d', 10_000), ReplayCacheFullError);
    assert.equal(await cache.claim('a', 10_000), false, 'live entries stay');
    now = 10_001;
    assert.equal(await cache.claim('d', 20_000), true, 'expired entries are swept');
    assert.equal(cache.size, 1);
  });
  it('a full cache makes logins retryable 503s, never tokens', async () => {
    const full = new MemoryReplayCache({ maxEntries: 1 });
    await full.claim('x', Date.now() + 60_000);
    const h = await startHarness({}, { replayCache: full });
    try {
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'broker.replay_cache_unavailable');
      assert.ok(res.headers.get('retry-after'));
      assert.equal(res.body.access_token, undefined);
    } finally {
      await h.close();
    }
  });
});

describe('signing algorithms', () => {
  for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`${algorithm} tokens verify through the JWKS`, async () => {
      const h = await startHarness({ tokens: { algorithm, ttlSeconds: 120 } });
      try {
        const res = await h.login('orders');
        assert.equal(res.status, 200);
        const jwks = (await (
          await fetch(`${h.brokerUrl}/.well-known/jwks.json`)
        ).json()) as JSONWebKeySet;
        const { protectedHeader, payload } = await jwtVerify(
          res.body.access_token as string,
          createLocalJWKSet(jwks),
          {
            issuer: 'http://broker.test',
            audience: 'https://billing.example',
            algorithms: [algorithm],
          },
        );
        assert.equal(protectedHeader.alg, algorithm);
        assert.equal(payload.exp! - payload.iat!, 120);
      } finally {
        await h.close();
      }
    });
  }
});
