// POST /v1/token end to end: real client proofs, the real STS emulator verifying SigV4, real
// signatures checked through the published JWKS with jose.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { splitProof } from '../../identity/test/support/proof-builder.ts';
import { type Harness, LOGIN_AUDIENCE, startHarness, tokenForm } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function verify(token: string, audience = 'https://billing.example') {
  const jwks = (await (
    await fetch(`${h.brokerUrl}/.well-known/jwks.json`)
  ).json()) as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'http://broker.test', audience });
}

describe('issuing tokens', () => {
  it('an assumed-role session gets a token whose sub is the path-less role ARN', async () => {
    const res = await h.login('orders');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.issued_token_type, 'urn:ietf:params:oauth:token-type:jwt');
    assert.equal(res.body.expires_in, 900);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { payload, protectedHeader } = await verify(res.body.access_token as string);
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/orders');
    assert.equal(payload.exp! - payload.iat!, 900);
    assert.equal(payload.nbf, payload.iat);
    assert.match(payload.jti!, /^[0-9a-f-]{36}$/);
    const orders = h.identity('orders');
    assert.deepEqual(payload.rolegate, {
      v: 1,
      method: 'aws-sts',
      principal_type: 'AssumedRole',
      account: '111122223333',
      partition: 'aws',
      session_arn: 'arn:aws:sts::111122223333:assumed-role/orders/orders',
      session_name: 'orders',
      user_id: orders.userId,
      tags: {},
    });
  });

  it('an IAM user keeps its ARN as sub', async () => {
    const res = await h.login('alice');
    assert.equal(res.status, 200);
    const { payload } = await verify(res.body.access_token as string);
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:user/alice');
    assert.equal((payload.rolegate as { principal_type: string }).principal_type, 'User');
  });

  it('the token is signed by the active key and the standby key is published too', async () => {
    const res = await h.login('reviews');
    const jwks = (await (await fetch(`${h.brokerUrl}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    assert.equal(jwks.keys.length, 2);
    assert.equal(decodeProtectedHeader(res.body.access_token as string).kid, jwks.keys[0]!.kid);
  });

  // SigV4 is deterministic: the same key signing the same request in the same second makes the
  // same proof. Backdating by a few seconds keeps these proofs apart from the other tests'.
  it('the same proof works at most once (replay)', async () => {
    const proof = await h.proofFor('orders', { now: new Date(Date.now() - 5000) });
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
    const second = await h.exchange(tokenForm(proof));
    assert.equal(second.status, 401);
    assert.equal(second.body.rolegate_code, 'proof.replayed');
    assert.equal(second.body.access_token, undefined);
  });

  it('of five concurrent uses of one proof exactly one wins', async () => {
    const proof = await h.proofFor('reviews', { now: new Date(Date.now() - 7000) });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.exchange(tokenForm(proof))),
    );
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    for (const r of results.filter((r) => r.status !== 200))
      assert.equal(r.body.rolegate_code, 'proof.replayed');
  });

  it('a proof made for another broker fails at STS, because the broker sends its own audience', async () => {
    const before = h.sts.calls;
    const res = await h.exchange(
      tokenForm(await h.proofFor('orders', { audience: 'https://other-broker.test' })),
    );
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.signature_mismatch');
    assert.equal(res.body.error, 'invalid_grant');
    assert.equal(h.sts.calls, before + 1);
  });

  it('the request to STS carries only host, audience, nonce and accept, and the host is the STS host', async () => {
    const proof = await h.proofFor('alice');
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
    const sent = h.sts.lastRequest!;
    assert.equal(sent.method, 'GET');
    assert.equal(sent.headers.host, 'sts.us-east-1.amazonaws.com');
    assert.equal(sent.headers['x-rolegate-audience'], LOGIN_AUDIENCE);
    assert.equal(sent.headers['x-rolegate-nonce'], splitProof(proof).nonce);
    assert.equal(sent.headers.accept, 'application/json');
    const unexpected = Object.keys(sent.headers).filter(
      (k) =>
        !['host', 'x-rolegate-audience', 'x-rolegate-nonce', 'accept', 'connection'].includes(k),
    );
    assert.deepEqual(unexpected, []);
    assert.match(sent.url, /^\/\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=/);
  });

  it('a proof for another region is sent under that region host', async () => {
    const proof = await h.proofFor('orders', {
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
    assert.equal(h.sts.lastRequest!.headers.host, 'sts.eu-west-1.amazonaws.com');
  });

  it('the global endpoint works', async () => {
    const proof = await h.proofFor('alice', { host: 'sts.amazonaws.com', region: 'us-east-1' });
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
  });
});

describe('credentials STS refuses', () => {
  it('unknown access key → 401 sts.invalid_client_token', async () => {
    const res = await h.login({ ...h.identity('alice'), accessKeyId: 'AKIAAAAAAAAAAAAAAAAA' });
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.invalid_client_token');
  });

  it('wrong secret → 401 sts.signature_mismatch', async () => {
    const res = await h.login({ ...h.identity('alice'), secretAccessKey: 'x'.repeat(40) });
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.signature_mismatch');
  });

  it('a session token that STS does not know → 401', async () => {
    const res = await h.login({ ...h.identity('orders'), sessionToken: 'IQoJb3JpZ2luX2VjAAAA' });
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.invalid_client_token');
  });

  it('an expired session → 401 sts.expired_token', async () => {
    const id = {
      ...h.identity('orders'),
      accessKeyId: 'ASIAEXPIREDEXPIRED00',
      sessionExpiration: '2020-01-01T00:00:00Z',
      name: 'expired',
    };
    h.sts.addIdentity(id);
    const res = await h.login(id);
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.expired_token');
  });
});

describe('malformed token requests', () => {
  const base = async () => tokenForm(await h.proofFor('alice'));
  const cases: [string, () => Promise<Record<string, string> | string>, number, string, string?][] =
    [
      [
        'wrong grant type',
        async () => ({ ...(await base()), grant_type: 'client_credentials' }),
        400,
        'request.unsupported_grant_type',
      ],
      [
        'unsupported subject token type',
        async () => ({ ...(await base()), subject_token_type: 'urn:x' }),
        400,
        'request.unsupported_token_type',
      ],
      [
        'missing audience',
        async () => {
          const f = await base();
          delete (f as Record<string, string | undefined>).audience;
          return f;
        },
        400,
        'request.missing_parameter',
      ],
      [
        'empty subject token',
        async () => ({ ...(await base()), subject_token: '' }),
        400,
        'request.missing_parameter',
      ],
      [
        'audience with a space',
        async () => ({ ...(await base()), audience: 'a b' }),
        400,
        'request.invalid_audience',
      ],
      [
        'audience twice',
        async () => `${new URLSearchParams(await base())}&audience=https%3A%2F%2Fother`,
        400,
        'request.duplicate_parameter',
      ],
      [
        'subject token twice',
        async () => `${new URLSearchParams(await base())}&subject_token=x`,
        400,
        'request.duplicate_parameter',
      ],
      [
        'JSON body',
        async () => JSON.stringify(await base()),
        415,
        'request.unsupported_media_type',
        'application/json',
      ],
      [
        'body over 16 KiB',
        async () => `${new URLSearchParams(await base())}&pad=${'a'.repeat(20_000)}`,
        413,
        'request.too_large',
      ],
    ];
  for (const [name, make, status, code, type] of cases) {
    it(name, async () => {
      const res = await h.exchange(await make(), type);
      assert.equal(res.status, status);
      assert.equal(res.body.rolegate_code, code);
      assert.equal(typeof res.body.error, 'string');
      assert.equal(typeof res.body.error_description, 'string');
      assert.equal(res.body.access_token, undefined);
    });
  }

  it('an unknown path answers 404 in the same error format', async () => {
    const res = await fetch(`${h.brokerUrl}/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal(
      ((await res.json()) as { rolegate_code: string }).rolegate_code,
      'broker.not_found',
    );
  });
});
