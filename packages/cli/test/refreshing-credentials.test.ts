// RefreshingCredentials, what `serve` answers every SDK request from: held until five minutes
// before expiry, one fetch for any number of callers, old credentials while they last when a
// refresh fails (with a back-off), the fetcher's own error when nothing valid is left.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolegateClientError } from '@rolegate/client';
import { RefreshingCredentials } from '../src/roles-anywhere/refreshing-credentials.ts';
import {
  DEFAULT_REFRESH_AHEAD_MS,
  type SessionCredentials,
} from '../src/roles-anywhere/session-credentials.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2030-01-01T00:00:00Z');

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

function session(n: number, expiresAt: number): SessionCredentials {
  return {
    accessKeyId: `ASIA${n}`,
    secretAccessKey: `secret-${n}`,
    sessionToken: `token-${n}`,
    expiration: new Date(expiresAt),
  };
}

const unreachable = () =>
  new RolegateClientError('client.roles_anywhere_unreachable', 'connection refused');

/** A fetcher whose answers the test scripts, counting its calls. */
function scriptedFetcher(answers: Array<() => Promise<SessionCredentials>>) {
  const fetcher = async () => {
    const next = answers[fetcher.calls++];
    if (next === undefined) throw new Error(`unexpected fetch #${fetcher.calls}`);
    return next();
  };
  fetcher.calls = 0;
  return fetcher;
}

describe('RefreshingCredentials', () => {
  it('holds credentials until five minutes before they expire, as AWS’s helper', async () => {
    assert.equal(DEFAULT_REFRESH_AHEAD_MS, 5 * MINUTE);
    const clock = manualClock();
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 60 * MINUTE),
      async () => session(2, T0 + 120 * MINUTE),
    ]);
    const credentials = new RefreshingCredentials(fetch, { now: clock.now });

    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    clock.advance(55 * MINUTE - 1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    assert.equal(fetch.calls, 1);
    clock.advance(1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA2');
    assert.equal(fetch.calls, 2);
  });

  it('takes refreshAheadMs', async () => {
    const clock = manualClock();
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 60 * MINUTE),
      async () => session(2, T0 + 120 * MINUTE),
    ]);
    const credentials = new RefreshingCredentials(fetch, {
      now: clock.now,
      refreshAheadMs: 10 * MINUTE,
    });
    await credentials.get();
    clock.advance(50 * MINUTE);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA2');
  });

  it('refreshes a session shorter than twice the refresh-ahead at half its life', async () => {
    const clock = manualClock();
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 6 * MINUTE),
      async () => session(2, T0 + 12 * MINUTE),
    ]);
    const credentials = new RefreshingCredentials(fetch, { now: clock.now });
    await credentials.get();
    clock.advance(3 * MINUTE - 1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    clock.advance(1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA2');
  });

  it('makes concurrent callers share one fetch', async () => {
    let release!: (c: SessionCredentials) => void;
    const fetch = scriptedFetcher([() => new Promise((resolve) => (release = resolve))]);
    const credentials = new RefreshingCredentials(fetch);
    const all = Promise.all(Array.from({ length: 20 }, () => credentials.get()));
    await new Promise((resolve) => setImmediate(resolve));
    release(session(1, Date.now() + 60 * MINUTE));
    const results = await all;
    assert.equal(fetch.calls, 1);
    assert.ok(results.every((c) => c.accessKeyId === 'ASIA1'));
  });

  it('makes concurrent callers share one refresh of held credentials', async () => {
    const clock = manualClock();
    let release!: (c: SessionCredentials) => void;
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 60 * MINUTE),
      () => new Promise((resolve) => (release = resolve)),
    ]);
    const credentials = new RefreshingCredentials(fetch, { now: clock.now });
    await credentials.get();
    clock.advance(56 * MINUTE);
    const all = Promise.all(Array.from({ length: 20 }, () => credentials.get()));
    await new Promise((resolve) => setImmediate(resolve));
    release(session(2, T0 + 120 * MINUTE));
    assert.ok((await all).every((c) => c.accessKeyId === 'ASIA2'));
    assert.equal(fetch.calls, 2);
  });

  it('serves the held credentials when a refresh fails, and retries after a back-off', async () => {
    const clock = manualClock();
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 60 * MINUTE),
      async () => Promise.reject(unreachable()),
      async () => Promise.reject(unreachable()),
      async () => session(2, T0 + 120 * MINUTE),
    ]);
    const credentials = new RefreshingCredentials(fetch, { now: clock.now });
    await credentials.get();
    clock.advance(56 * MINUTE);

    // Every concurrent caller of the failed refresh gets the old credentials.
    const during = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);
    assert.deepEqual(
      during.map((c) => c.accessKeyId),
      ['ASIA1', 'ASIA1', 'ASIA1'],
    );
    assert.equal(fetch.calls, 2);

    // Within the back-off (1 s after the first failure) nothing is fetched.
    clock.advance(999);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    assert.equal(fetch.calls, 2);

    // Then it tries again; a second failure doubles the wait to 2 s.
    clock.advance(1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    assert.equal(fetch.calls, 3);
    clock.advance(1999);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
    assert.equal(fetch.calls, 3);
    clock.advance(1);
    assert.equal((await credentials.get()).accessKeyId, 'ASIA2');
    assert.equal(fetch.calls, 4);
  });

  it('rejects with the fetcher’s error when nothing valid is held, and retries on the next call', async () => {
    const fetch = scriptedFetcher([
      async () => Promise.reject(unreachable()),
      async () => session(1, Date.now() + 60 * MINUTE),
    ]);
    const credentials = new RefreshingCredentials(fetch);
    await assert.rejects(credentials.get(), { code: 'client.roles_anywhere_unreachable' });
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
  });

  it('rejects once the held credentials have expired and the refresh fails', async () => {
    const clock = manualClock();
    const fetch = scriptedFetcher([
      async () => session(1, T0 + 60 * MINUTE),
      async () =>
        Promise.reject(new RolegateClientError('client.roles_anywhere_refused', 'AccessDenied')),
    ]);
    const credentials = new RefreshingCredentials(fetch, { now: clock.now });
    await credentials.get();
    clock.advance(60 * MINUTE);
    await assert.rejects(credentials.get(), { code: 'client.roles_anywhere_refused' });
  });

  it('turns a fetcher that throws synchronously into a rejection, and does not stay stuck', async () => {
    let calls = 0;
    const credentials = new RefreshingCredentials((() => {
      calls += 1;
      if (calls === 1) throw unreachable();
      return Promise.resolve(session(1, Date.now() + 60 * MINUTE));
    }) as () => Promise<SessionCredentials>);
    await assert.rejects(credentials.get(), { code: 'client.roles_anywhere_unreachable' });
    assert.equal((await credentials.get()).accessKeyId, 'ASIA1');
  });

  it('refuses options that cannot work', () => {
    const fetch = async () => session(1, Date.now());
    assert.throws(() => new RefreshingCredentials(fetch, { refreshAheadMs: -1 }), TypeError);
    assert.throws(
      () => new RefreshingCredentials(fetch, { refreshAheadMs: Number.NaN }),
      TypeError,
    );
  });

  it('refuses fetched credentials without a usable expiration', async () => {
    const credentials = new RefreshingCredentials(async () => ({
      ...session(1, 0),
      expiration: new Date('not a date'),
    }));
    await assert.rejects(credentials.get(), TypeError);
  });
});
