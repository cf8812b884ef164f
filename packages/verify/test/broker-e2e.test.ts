// End to end with the real broker (in front of the STS emulator, both on loopback): a token it
// issues verifies through its JWKS and passes a Lattice policy through a real HTTP server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { compilePolicy } from '@rolegate/policy';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import { createVerifier, type Verifier } from '../src/index.ts';
import { createNodeGuard } from '../src/node.ts';
import { rawRequest } from './support/http-client.ts';

describe('with the real broker', () => {
  let h: Harness;
  let verifier: Verifier;

  before(async () => {
    h = await startHarness();
    verifier = createVerifier({
      issuer: 'http://broker.test',
      audience: 'https://billing.example',
      jwksUri: `${h.brokerUrl}/.well-known/jwks.json`,
    });
  });
  after(() => h.close());

  it('verifies a token the broker issued, through its JWKS', async () => {
    const answer = await h.login('orders');
    assert.equal(answer.status, 200);
    const token = answer.body['access_token'] as string;
    const p = await verifier.verify(token);
    const orders = h.identity('orders');
    assert.equal(p.sessionArn, orders.arn);
    assert.equal(p.userId, orders.userId);
    assert.equal(p.account, orders.account);
    assert.equal(p.type, 'AssumedRole');
    assert.equal(p.method, 'aws-sts');
    assert.match(p.arn, /^arn:aws:iam::\d{12}:role\/[^/]+$/);
    assert.equal(p.audience, 'https://billing.example');
  });

  it('refuses a token for another audience', async () => {
    const answer = await h.login('orders', 'https://rates.example');
    await assert.rejects(verifier.verify(answer.body['access_token'] as string), {
      code: 'token.audience_mismatch',
    });
  });

  it('protects a node:http service with a policy naming the role', async () => {
    const orders = await verifier.verify((await h.login('orders')).body['access_token'] as string);
    const policy = compilePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: orders.arn },
            Action: 'vpc-lattice-svcs:Invoke',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } },
          },
        ],
      }),
    );
    const guard = createNodeGuard({ verifier, policies: policy });
    const server = createServer(async (req, res) => {
      const auth = await guard(req, res);
      if (auth !== null) res.end(JSON.stringify({ arn: auth.principal?.arn }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ok = await rawRequest(
        url,
        'GET',
        '/invoices',
        `Bearer ${(await h.login('orders')).body['access_token']}`,
      );
      assert.deepEqual([ok.status, ok.body], [200, { arn: orders.arn }]);
      const other = await h.login('reviews');
      const denied = await rawRequest(
        url,
        'GET',
        '/invoices',
        `Bearer ${other.body['access_token']}`,
      );
      assert.equal(denied.status, 403);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
