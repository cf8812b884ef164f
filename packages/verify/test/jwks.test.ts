// The remote key set: fetched once and cached, Cache-Control honoured, refetched for an unknown
// kid at most once per cooldown, stale keys kept serving while the JWKS is unreachable, 503 only
// when no key is held. A hand-moved clock drives every expiry; nothing waits on real time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createVerifier, type VerifierOptions } from '../src/index.ts';
import {
  AUDIENCE,
  fakeClock,
  ISSUER,
  type JwksServer,
  makeKey,
  NOW,
  rolegateClaims,
  serveKeys,
  signed,
  startJwksServer,
  type TestKey,
} from './support/keys.ts';

describe('remote JWKS', () => {
  let a: TestKey;
  let b: TestKey;
  let server: JwksServer;

  before(async () => {
    a = await makeKey();
    b = await makeKey();
    server = await startJwksServer(serveKeys([]));
  });
  after(() => server.close());

  const setup = (
    keys: TestKey[],
    cacheControl?: string,
    options: Partial<VerifierOptions> = {},
  ) => {
    server.reply = serveKeys(keys, cacheControl);
    server.fetches = 0;
    const clock = fakeClock();
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: server.url,
      now: clock.now,
      tokenCacheSize: 0,
      ...options,
    });
    return { clock, verifier };
  };
  const token = (key: TestKey, exp = NOW + 86_400 * 3) => signed(key, rolegateClaims({ exp }));
  /** Gives a background fetch, if one was (wrongly) started, time to reach the server. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  /** Polls `done` (bounded) while background work completes; fails after ~5 s. */
  const waitFor = async (done: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 500; i++) {
      if (await done()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail('background work did not complete');
  };
  const rejectsWith = (p: Promise<unknown>, code: string) =>
    p.then(
      () => false,
      (e: { code?: string }) => e.code === code,
    );

  it('fetches once and serves every later token from the held set', async () => {
    const { verifier } = setup([a]);
    await verifier.verify(await token(a));
    await verifier.verify(await signed(a, rolegateClaims({ jti: 'other' })));
    assert.equal(server.fetches, 1);
  });

  it('verifyNow answers synchronously once the key is held, with a promise before', async () => {
    const { verifier } = setup([a, b]);
    const first = verifier.verifyNow(await token(a));
    assert.ok(first instanceof Promise, 'nothing held yet: the key set must be fetched');
    assert.equal((await first).arn, rolegateClaims().sub);
    const second = verifier.verifyNow(await signed(b, rolegateClaims({ jti: 'sync' })));
    assert.ok(!(second instanceof Promise), 'the key is held: no promise, not even a microtask');
    assert.equal(second.arn, rolegateClaims().sub);
    // A bad token is refused synchronously too (a throw, not a rejected promise).
    const forged = `${(await token(a)).slice(0, -4)}AAAA`;
    assert.throws(() => verifier.verifyNow(forged), { code: 'token.bad_signature' });
    assert.equal(server.fetches, 1);
  });

  it('shares one fetch between concurrent first requests', async () => {
    const { verifier } = setup([a]);
    const t = await token(a);
    await Promise.all(Array.from({ length: 8 }, () => verifier.verify(t)));
    assert.equal(server.fetches, 1);
  });

  it('refetches in the background when max-age has passed, not before', async () => {
    const { verifier, clock } = setup([a], 'public, max-age=300');
    const t = await token(a);
    await verifier.verify(t);
    clock.advance(299);
    await verifier.verify(t);
    await settle();
    assert.equal(server.fetches, 1);
    clock.advance(1);
    await verifier.verify(t); // served from the stale set at once; the refetch runs beside it
    await waitFor(() => server.fetches === 2);
  });

  it('honours a longer max-age, less Age', async () => {
    const { verifier, clock } = setup([a], 'max-age=3600');
    const t = await token(a);
    await verifier.verify(t);
    clock.advance(3599);
    await verifier.verify(t);
    await settle();
    assert.equal(server.fetches, 1);

    const aged = setup([a], 'max-age=3600');
    server.reply = (_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=3600', age: '3500' });
      res.end(JSON.stringify({ keys: [a.jwk] }));
    };
    await aged.verifier.verify(t);
    aged.clock.advance(100);
    await aged.verifier.verify(t);
    await waitFor(() => server.fetches === 2);
  });

  it('never refetches more often than the cooldown, even with no-store', async () => {
    const { verifier, clock } = setup([a], 'no-store');
    const t = await token(a);
    await verifier.verify(t);
    clock.advance(29);
    await verifier.verify(t);
    await settle();
    assert.equal(server.fetches, 1);
    clock.advance(1);
    await verifier.verify(t);
    await waitFor(() => server.fetches === 2);
  });

  it('refetches for an unknown kid (a rotation) once the cooldown allows', async () => {
    const { verifier, clock } = setup([a]);
    await verifier.verify(await token(a));
    server.reply = serveKeys([a, b]);
    // Within the cooldown of the first fetch: the new kid is refused without a fetch.
    await assert.rejects(verifier.verify(await token(b)), { code: 'token.unknown_key' });
    assert.equal(server.fetches, 1);
    clock.advance(30);
    assert.equal((await verifier.verify(await token(b))).account, '111122223333');
    assert.equal(server.fetches, 2);
  });

  it('rate-limits unknown kids: a flood of made-up kids makes one fetch per cooldown', async () => {
    const { verifier, clock } = setup([a]);
    await verifier.verify(await token(a));
    clock.advance(30);
    const forged = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signed(a, rolegateClaims(), { kid: `made-up-${i}` })),
    );
    for (const t of forged) await assert.rejects(verifier.verify(t), { code: 'token.unknown_key' });
    assert.equal(server.fetches, 2);
  });

  it('keeps serving the held set while the JWKS fails, and a withdrawn key stops at the next fetch', async () => {
    const { verifier, clock } = setup([a, b], 'max-age=60', { tokenCacheSize: 100 });
    const ta = await token(a);
    await verifier.verify(ta);
    server.reply = (_req, res) => {
      res.writeHead(500);
      res.end();
    };
    clock.advance(3600);
    await verifier.verify(ta); // stale, refetch fails: still served
    await waitFor(() => server.fetches === 2);
    await verifier.verify(ta);
    // The broker withdraws key a; the cached verification of ta goes with it.
    server.reply = serveKeys([b]);
    clock.advance(30);
    await verifier.verify(ta); // triggers the refetch, served from the old set meanwhile
    await waitFor(() => rejectsWith(verifier.verify(ta), 'token.unknown_key'));
    assert.equal((await verifier.verify(await token(b))).account, '111122223333');
  });

  it('stops serving a set stale for longer than maxStaleMs', async () => {
    const { verifier, clock } = setup([a], 'max-age=60', { jwks: { maxStaleMs: 600_000 } });
    const t = await token(a);
    await verifier.verify(t);
    server.reply = (_req, res) => {
      res.writeHead(503);
      res.end();
    };
    clock.advance(60 + 599);
    await verifier.verify(t);
    await waitFor(() => server.fetches === 2);
    clock.advance(1);
    await assert.rejects(verifier.verify(t), { code: 'jwks.unavailable' });
  });

  it('answers jwks.unavailable with Retry-After when no key was ever fetched', async () => {
    const dead = await startJwksServer(serveKeys([a]));
    const url = dead.url;
    await dead.close(); // nothing listens there any more
    const clock = fakeClock();
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: url,
      now: clock.now,
    });
    const t = await token(a);
    const error = await verifier.verify(t).then(
      () => assert.fail('verified without keys'),
      (e: unknown) => e as { code: string; status: number; retryAfterSeconds: number },
    );
    assert.equal(error.code, 'jwks.unavailable');
    assert.equal(error.status, 503);
    assert.equal(error.retryAfterSeconds, 30);
    clock.advance(10);
    await assert.rejects(verifier.verify(t), { code: 'jwks.unavailable', retryAfterSeconds: 20 });
  });

  it('refuses redirects, oversized documents and non-JWKS answers', async () => {
    const cases: [string, Parameters<typeof startJwksServer>[0]][] = [
      [
        'redirect',
        (_q, s) => {
          s.writeHead(302, { location: 'https://attacker.example/jwks.json' });
          s.end();
        },
      ],
      [
        'big',
        (_q, s) => {
          s.writeHead(200);
          s.end(JSON.stringify({ keys: [a.jwk], pad: 'x'.repeat(200_000) }));
        },
      ],
      [
        'not json',
        (_q, s) => {
          s.writeHead(200);
          s.end('<html>');
        },
      ],
      [
        'duplicate keys',
        (_q, s) => {
          s.writeHead(200);
          s.end(`{"keys":[],"keys":[${JSON.stringify(a.jwk)}]}`);
        },
      ],
      [
        'no keys array',
        (_q, s) => {
          s.writeHead(200);
          s.end('{"key":[]}');
        },
      ],
    ];
    for (const [name, reply] of cases) {
      const { verifier } = setup([a]);
      server.reply = reply;
      await assert.rejects(verifier.verify(await token(a)), { code: 'jwks.unavailable' }, name);
    }
  });

  it('skips JWKs that must not verify, and keeps the others', async () => {
    const { verifier } = setup([]);
    const privateJwk = { ...a.privateKey.export({ format: 'jwk' }), kid: a.kid };
    server.reply = (_q, s) => {
      s.writeHead(200);
      s.end(
        JSON.stringify({
          keys: [
            privateJwk,
            { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
            { ...b.jwk, use: 'enc' },
            { kty: 'RSA', kid: 'junk', n: 'AQAB', e: 'AQAB' },
          ],
        }),
      );
    };
    await assert.rejects(verifier.verify(await token(a)), { code: 'token.unknown_key' });
    await assert.rejects(verifier.verify(await token(b)), { code: 'token.unknown_key' });
  });

  it('fetches ahead of the first request with warmUp()', async () => {
    const { verifier } = setup([a]);
    await verifier.warmUp();
    assert.equal(server.fetches, 1);
    await verifier.verify(await token(a));
    assert.equal(server.fetches, 1);
  });
});
