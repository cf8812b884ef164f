// The verified-token cache on its own: lookups honour each token's expiry, the bound holds, and
// expired entries are swept in bulk so memory follows the tokens alive, not the cap.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '@rolegate/core';
import { TokenCache } from '../src/token/token-cache.ts';

const NOW = 1_800_000_000;
const principal = (expiresAt: number) => ({ expiresAt }) as Principal;

describe('TokenCache', () => {
  it('answers until the token expires, with the leeway, then forgets it', () => {
    const cache = new TokenCache(10, 30);
    const p = principal(NOW + 60);
    cache.set('a', p, NOW);
    assert.equal(cache.get('a', NOW + 89), p);
    assert.equal(cache.get('a', NOW + 90), undefined);
    assert.equal(cache.size, 0);
  });

  it('sweeps expired entries once the clock has moved a minute, keeping live ones', () => {
    const cache = new TokenCache(10_000, 0);
    for (let i = 0; i < 1000; i++) cache.set(`short-${i}`, principal(NOW + 30), NOW);
    const long = principal(NOW + 3600);
    for (let i = 0; i < 10; i++) cache.set(`long-${i}`, long, NOW);
    cache.set('x', principal(NOW + 3600), NOW + 59);
    assert.equal(cache.size, 1011, 'no sweep within a minute of the last one');
    cache.set('y', principal(NOW + 3600), NOW + 61);
    assert.equal(cache.size, 12, 'the 1,000 expired entries are gone, the 12 live ones stay');
    for (let i = 0; i < 10; i++) assert.equal(cache.get(`long-${i}`, NOW + 62), long);
  });

  it('levels off at the tokens alive at once under a steady stream of new tokens', () => {
    const cache = new TokenCache(10_000, 0);
    // One new 60-second token per second for an hour: 3,600 distinct tokens, ≤ 121 alive at once.
    let largest = 0;
    for (let t = 0; t < 3600; t++) {
      cache.set(`token-${t}`, principal(NOW + t + 60), NOW + t);
      largest = Math.max(largest, cache.size);
    }
    assert.ok(largest <= 121, `at most the live tokens plus a minute's worth: ${largest}`);
  });

  it('stays within its bound, dropping the oldest', () => {
    const cache = new TokenCache(2, 0);
    cache.set('a', principal(NOW + 60), NOW);
    cache.set('b', principal(NOW + 60), NOW);
    cache.set('c', principal(NOW + 60), NOW);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a', NOW), undefined);
    assert.notEqual(cache.get('c', NOW), undefined);
  });

  it('caches nothing with a bound of 0', () => {
    const cache = new TokenCache(0, 0);
    cache.set('a', principal(NOW + 60), NOW);
    assert.equal(cache.size, 0);
  });
});
