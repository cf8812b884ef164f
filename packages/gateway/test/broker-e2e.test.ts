// End to end with the real parts: a broker in front of the STS emulator (which really verifies
// SigV4), a token it issues verified by the gateway through the broker's JWKS, and the "no
// broker" mode where the gateway lets STS confirm a raw presigned proof itself, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';
import { send } from './support/raw-http.ts';

const AUDIENCE = 'https://rates.example';
const ratesPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: 'arn:rolegate:lattice:::service/rates/*',
      Condition: { StringNotEquals: { 'aws:PrincipalType': 'Anonymous' } },
    },
  ],
};

describe('with the real broker and STS emulator', () => {
  let h: Harness;
  let backend: Backend;
  let gw: RunningGateway;

  before(async () => {
    h = await startHarness();
    backend = await startBackend();
    gw = await startGateway({
      jwt: { issuer: 'http://broker.test', jwksUri: `${h.brokerUrl}/.well-known/jwks.json` },
      sts: {
        endpointOverrides: { '*': h.sts.url },
        allowInsecureEndpoints: true,
        timeoutMs: 1_000,
      },
      services: [
        {
          name: 'rates',
          upstreams: [backend.url],
          audiences: [AUDIENCE],
          policy: ratesPolicy,
        },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await backend.close();
    await h.close();
  });

  const rates = (authorization: string) =>
    send(gw.url, { path: '/v1/rates', headers: { host: 'rates.example', authorization } });

  it('is ready once it holds the broker keys', async () => {
    assert.equal((await fetch(`${gw.adminUrl}/readyz`)).status, 200);
  });

  it('admits a token the broker issued, verified through its JWKS', async () => {
    const login = await h.login('orders', AUDIENCE);
    assert.equal(login.status, 200);
    const before = backend.seen.length;
    const reply = await rates(`Bearer ${login.body.access_token}`);
    assert.equal(reply.status, 200, reply.text);
    const orders = h.identity('orders');
    assert.equal(
      backend.seen[before]!.headers['x-rolegate-identity'],
      `Principal=${orders.arn}; SessionName=orders; Type=AssumedRole`,
    );
  });

  it('denies another principal of the same account (403)', async () => {
    const login = await h.login('reviews', AUDIENCE);
    assert.equal((await rates(`Bearer ${login.body.access_token}`)).status, 403);
  });

  describe('raw STS proofs (no broker)', () => {
    it('admits a proof made for the service, once', async () => {
      const proof = await h.proofFor('orders', { audience: AUDIENCE });
      const before = backend.seen.length;
      const reply = await rates(`RoleGate-STS ${proof}`);
      assert.equal(reply.status, 200, reply.text);
      const seen = backend.seen[before]!;
      assert.match(
        String(seen.headers['x-rolegate-identity']),
        /^Principal=arn:aws:sts::111122223333:assumed-role\/orders\//,
      );
      assert.equal(seen.headers.authorization, undefined, 'a proof is never forwarded');
      assert.equal(
        accessLine(gw, String(reply.headers['x-rolegate-request-id']))?.principal,
        h.identity('orders').arn,
      );

      const replay = await rates(`RoleGate-STS ${proof}`);
      assert.equal(replay.status, 401);
      assert.equal(replay.json().rolegate_code, 'sts.proof_replayed');
      assert.deepEqual(
        replay.headers['www-authenticate'],
        'Bearer realm="rolegate", error="invalid_token", error_description="the STS proof has already been used", RoleGate-STS realm="rolegate"',
      );
    });

    it('refuses a proof made for another audience: STS rejects the signature', async () => {
      const proof = await h.proofFor('orders', { audience: 'https://broker.test' });
      const reply = await rates(`RoleGate-STS ${proof}`);
      assert.equal(reply.status, 401);
      assert.equal(reply.json().rolegate_code, 'sts.rejected');
    });

    it('refuses a malformed proof without calling STS', async () => {
      const calls = h.sts.calls;
      const reply = await rates('RoleGate-STS rgsts1.bm90LWEtdXJs');
      assert.equal(reply.status, 401);
      assert.equal(reply.json().rolegate_code, 'sts.proof_invalid');
      assert.equal(h.sts.calls, calls);
    });

    it('answers 503 sts.unavailable with Retry-After when STS fails — not "bad credentials"', async () => {
      h.sts.faults.serverErrorRate = 1;
      try {
        const reply = await rates(
          `RoleGate-STS ${await h.proofFor('orders', { audience: AUDIENCE })}`,
        );
        assert.equal(reply.status, 503);
        assert.equal(reply.json().rolegate_code, 'sts.unavailable');
        assert.equal(reply.headers['retry-after'], '1');
      } finally {
        h.sts.faults.serverErrorRate = 0;
      }
    });
  });
});
