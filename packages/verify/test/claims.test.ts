// Claims, in order: issuer, audience, time (with the leeway), subject, the rolegate claim; and the
// principal built from them.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createVerifier, type Verifier } from '../src/index.ts';
import {
  AUDIENCE,
  fakeClock,
  ISSUER,
  makeKey,
  NOW,
  rolegateClaims,
  signed,
  type TestKey,
} from './support/keys.ts';

describe('claims', () => {
  let key: TestKey;
  let verifier: Verifier;
  const clock = fakeClock();

  before(async () => {
    key = await makeKey();
    verifier = createVerifier({
      issuer: ISSUER,
      audience: [AUDIENCE, 'https://billing.internal'],
      keys: [key.jwk],
      now: clock.now,
      tokenCacheSize: 0,
    });
  });

  const withClaims = (overrides: Record<string, unknown>) => signed(key, rolegateClaims(overrides));
  const rejects = async (overrides: Record<string, unknown>, code: string) =>
    assert.rejects(verifier.verify(await withClaims(overrides)), { code });
  const rolegate = (overrides: Record<string, unknown>) => ({
    rolegate: { ...(rolegateClaims()['rolegate'] as object), ...overrides },
  });

  it('builds the principal from the claims, each field from its claim', async () => {
    const p = await verifier.verify(await withClaims({}));
    assert.deepEqual(
      { ...p, claims: undefined },
      {
        arn: 'arn:aws:iam::111122223333:role/orders',
        account: '111122223333',
        partition: 'aws',
        type: 'AssumedRole',
        sessionArn: 'arn:aws:sts::111122223333:assumed-role/orders/orders-1',
        sessionName: 'orders-1',
        userId: 'AROAEXAMPLEEXAMPLE01:orders-1',
        tags: { team: 'payments' },
        method: 'aws-sts',
        sourceIdentity: undefined,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresAt: NOW + 900,
        tokenId: 'b5f1c1e0-0000-4000-8000-000000000001',
        claims: undefined,
      },
    );
    assert.equal(p.claims.rolegate.v, 1);
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.claims) && Object.isFrozen(p.tags));
  });

  it('checks iss exactly', async () => {
    await rejects({ iss: `${ISSUER}/` }, 'token.issuer_mismatch');
    await rejects({ iss: undefined }, 'token.issuer_mismatch');
  });

  it('checks aud as a string or an array against every configured audience', async () => {
    await verifier.verify(await withClaims({ aud: 'https://billing.internal' }));
    await verifier.verify(await withClaims({ aud: ['https://x.example', AUDIENCE] }));
    await rejects({ aud: 'https://rates.example' }, 'token.audience_mismatch');
    await rejects({ aud: ['https://rates.example'] }, 'token.audience_mismatch');
    await rejects({ aud: [] }, 'token.bad_claims');
    await rejects({ aud: 7 }, 'token.bad_claims');
  });

  it('applies the 30 s default leeway to exp, nbf and iat, and no more', async () => {
    await verifier.verify(await withClaims({ exp: NOW - 29 }));
    await rejects({ exp: NOW - 30 }, 'token.expired');
    await verifier.verify(await withClaims({ nbf: NOW + 30, iat: NOW + 30 }));
    await rejects({ nbf: NOW + 31 }, 'token.not_yet_valid');
    await rejects({ iat: NOW + 31 }, 'token.not_yet_valid');
  });

  it('honours clockTolerance 0', async () => {
    const strict = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      clockTolerance: 0,
      now: clock.now,
    });
    await assert.rejects(strict.verify(await withClaims({ exp: NOW })), { code: 'token.expired' });
    await assert.rejects(strict.verify(await withClaims({ nbf: NOW + 1 })), {
      code: 'token.not_yet_valid',
    });
  });

  it('requires exp and numeric times', async () => {
    await rejects({ exp: undefined }, 'token.bad_claims');
    await rejects({ exp: String(NOW + 60) }, 'token.bad_claims');
    await rejects({ nbf: 'soon' }, 'token.bad_claims');
  });

  it('requires sub to be an ARN of the claimed account and partition', async () => {
    await rejects({ sub: undefined }, 'token.bad_claims');
    await rejects({ sub: 'orders' }, 'token.bad_claims');
    await rejects({ sub: 'arn:aws:iam::999999999999:role/orders' }, 'token.bad_claims');
    await rejects({ sub: 'arn:aws-cn:iam::111122223333:role/orders' }, 'token.bad_claims');
  });

  it('requires a version 1 rolegate claim of the right shape', async () => {
    await rejects({ rolegate: undefined }, 'token.bad_claims');
    await rejects(rolegate({ v: 2 }), 'token.bad_claims');
    await rejects(rolegate({ method: 'password' }), 'token.bad_claims');
    await rejects(rolegate({ principal_type: 'Service' }), 'token.bad_claims');
    await rejects(rolegate({ account: '1111' }), 'token.bad_claims');
    await rejects(
      rolegate({ session_arn: 'arn:aws-cn:sts::111122223333:assumed-role/o/s' }),
      'token.bad_claims',
    );
    await rejects(rolegate({ user_id: '' }), 'token.bad_claims');
    await rejects(rolegate({ tags: { team: 1 } }), 'token.bad_claims');
    await rejects(rolegate({ tags: [] }), 'token.bad_claims');
    await rejects({ jti: 5 }, 'token.bad_claims');
    await rejects(rolegate({ source_identity: 7 }), 'token.bad_claims');
  });

  it('reads certificate logins: method x509 or jwt-svid, the source identity', async () => {
    for (const method of ['x509', 'jwt-svid']) {
      const p = await verifier.verify(
        await withClaims(rolegate({ method, source_identity: 'CN=orders' })),
      );
      assert.equal(p.method, method);
      assert.equal(p.sourceIdentity, 'CN=orders');
    }
  });

  it('leaves sessionName undefined when the claim has none (users)', async () => {
    const p = await verifier.verify(
      await withClaims({
        sub: 'arn:aws:iam::111122223333:user/alice',
        ...rolegate({
          principal_type: 'User',
          session_arn: 'arn:aws:iam::111122223333:user/alice',
          session_name: undefined,
          user_id: 'AIDAEXAMPLEEXAMPLE01',
        }),
      }),
    );
    assert.equal(p.type, 'User');
    assert.equal(p.sessionName, undefined);
  });
});

describe('verified-token cache', () => {
  it('answers a repeated token from the cache only until it expires', async () => {
    const key = await makeKey();
    const clock = fakeClock();
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      now: clock.now,
    });
    const token = await signed(key, rolegateClaims({ exp: NOW + 60 }));
    const first = await v.verify(token);
    assert.equal(await v.verify(token), first, 'the same principal object: served from the cache');
    clock.advance(60 + 29);
    assert.equal(await v.verify(token), first);
    clock.advance(1);
    await assert.rejects(v.verify(token), { code: 'token.expired' });
  });

  it('never caches a refusal', async () => {
    const key = await makeKey();
    const clock = fakeClock(NOW - 100);
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      now: clock.now,
    });
    const token = await signed(key);
    await assert.rejects(v.verify(token), { code: 'token.not_yet_valid' });
    clock.advance(100);
    assert.equal((await v.verify(token)).account, '111122223333');
  });

  it('stays within its size bound', async () => {
    const key = await makeKey();
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      now: fakeClock().now,
      tokenCacheSize: 2,
    });
    const tokens = await Promise.all(
      [1, 2, 3].map((i) => signed(key, rolegateClaims({ jti: `t${i}` }))),
    );
    const first = await v.verify(tokens[0]!);
    await v.verify(tokens[1]!);
    await v.verify(tokens[2]!); // evicts the oldest
    assert.notEqual(await v.verify(tokens[0]!), first, 'verified again, not served from the cache');
  });
});
