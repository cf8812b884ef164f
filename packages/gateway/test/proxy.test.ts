// The gateway end to end on loopback: a real backend, tokens signed with a local key published as
// a JWKS file, requests through the gateway; what the client gets, what the backend sees, what is
// logged and counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, servicesFor } from './support/fixture.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';
import { send } from './support/raw-http.ts';
import { claims, createTokenKit, ISSUER, SESSION_ARN, type TokenKit } from './support/tokens.ts';

describe('gateway: authorize and forward', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;
  let token: string;

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    gw = await startGateway({
      jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
      services: servicesFor(backend.url),
    });
    token = await kit.sign(claims(BILLING_AUDIENCE));
  });
  after(async () => {
    await gw.close();
    await backend.close();
    kit.close();
  });

  const billing = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    send(gw.url, { method, path, headers: { host: 'billing.example', ...headers } });

  it('forwards an allowed request with the identity headers, and says who called', async () => {
    const before = backend.seen.length;
    const reply = await billing('/invoices/7?view=full', { authorization: `Bearer ${token}` });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-backend'], 'yes');
    const requestId = reply.headers['x-rolegate-request-id'];
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    const seen = backend.seen[before]!;
    assert.equal(seen.url, '/invoices/7?view=full');
    assert.equal(
      seen.headers['x-rolegate-identity'],
      `Principal=${SESSION_ARN}; SessionName=orders-1; Type=AssumedRole`,
    );
    assert.equal(seen.headers['x-rolegate-identity-tags'], 'team=payments');
    assert.equal(seen.headers['x-rolegate-service'], 'arn:rolegate:lattice:::service/billing');
    assert.equal(seen.headers['x-rolegate-request-id'], requestId);
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-port'], new URL(gw.url).port);
    assert.equal(seen.headers.host, 'billing.example', 'the Host header is preserved');
    assert.equal(seen.headers.authorization, undefined, 'the token is not forwarded by default');
    const line = accessLine(gw, String(requestId));
    assert.deepEqual(
      {
        service: line?.targetService,
        principal: line?.principal,
        decision: line?.decision,
        status: line?.status,
        path: line?.path,
      },
      {
        service: 'billing',
        principal: SESSION_ARN,
        decision: 'Allow',
        status: 200,
        path: '/invoices/7',
      },
    );
    assert.equal(typeof line?.durationMs, 'number');
  });

  it('lets an anonymous caller through where the policy allows it, marked Anonymous', async () => {
    const before = backend.seen.length;
    const reply = await billing('/public/prices');
    assert.equal(reply.status, 200);
    assert.equal(backend.seen[before]!.headers['x-rolegate-identity'], 'Type=Anonymous');
    assert.equal(backend.seen[before]!.headers['x-rolegate-identity-tags'], undefined);
  });

  it('answers 403 with a body that names no policy internals, and never reaches the backend', async () => {
    const before = backend.seen.length;
    const reply = await billing('/admin/users', { authorization: `Bearer ${token}` });
    assert.equal(reply.status, 403);
    assert.equal(backend.seen.length, before);
    const body = reply.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'error',
      'error_description',
      'request_id',
      'rolegate_code',
    ]);
    assert.equal(body.rolegate_code, 'request.denied');
    assert.equal(body.error, 'access_denied');
    assert.doesNotMatch(reply.text, /NoAdmin|Statement|ExplicitDeny|arn:/);
    assert.equal(reply.headers['cache-control'], 'no-store');
    assert.equal(accessLine(gw, String(body.request_id))?.decision, 'ExplicitDeny');
  });

  it('answers an anonymous caller the policy does not allow with 401 and a challenge', async () => {
    const reply = await billing('/invoices/7');
    assert.equal(reply.status, 401);
    assert.equal(reply.json().rolegate_code, 'token.missing');
    assert.equal(reply.headers['www-authenticate'], 'Bearer realm="rolegate"');
  });

  it('denies everything on an AWS_IAM service without a policy', async () => {
    const reply = await send(gw.url, {
      path: '/anything',
      headers: { host: 'locked.example', authorization: `Bearer ${token}` },
    });
    // The token is for billing, so it is refused before the (empty) policy is reached.
    assert.equal(reply.json().rolegate_code, 'token.audience_mismatch');
    const anonymous = await send(gw.url, {
      path: '/anything',
      headers: { host: 'locked.example' },
    });
    assert.equal(anonymous.status, 401);
  });

  it('passes a NONE service through untouched, Authorization included, without identity headers', async () => {
    const before = backend.seen.length;
    const reply = await send(gw.url, {
      path: '/x',
      headers: { host: 'open.example', authorization: 'Basic dXNlcjpwdw==' },
    });
    assert.equal(reply.status, 200);
    const seen = backend.seen[before]!;
    assert.equal(seen.headers.authorization, 'Basic dXNlcjpwdw==');
    assert.equal(seen.headers['x-rolegate-identity'], undefined);
    assert.equal(seen.headers['x-rolegate-service'], 'arn:rolegate:lattice:::service/open');
  });

  it('answers 404 request.no_route for a host no service listens for', async () => {
    const reply = await send(gw.url, { path: '/', headers: { host: 'nobody.example' } });
    assert.equal(reply.status, 404);
    assert.equal(reply.json().rolegate_code, 'request.no_route');
  });

  it('streams request and response bodies', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    const reply = await send(gw.url, {
      method: 'POST',
      path: '/echo-body',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
      body: big,
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.text.length, big.length);
    const streamed = await billing('/stream', { authorization: `Bearer ${token}` });
    assert.equal(streamed.text, 'chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n');
    assert.equal(
      streamed.headers['x-secret-hop'],
      undefined,
      'headers named in Connection are dropped',
    );
  });

  it('counts every decision in /metrics and never logs a token', async () => {
    const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    assert.match(
      metrics,
      /rolegate_gateway_decisions_total\{service="billing",decision="Allow"\} \d+/,
    );
    assert.match(
      metrics,
      /rolegate_gateway_decisions_total\{service="billing",decision="ExplicitDeny"\} 1/,
    );
    assert.match(
      metrics,
      /rolegate_gateway_decisions_total\{service="open",decision="NotRequired"\} \d+/,
    );
    assert.match(
      metrics,
      /rolegate_gateway_refusals_total\{service="-",code="request.no_route"\} 1/,
    );
    assert.ok(!gw.logText().includes(token.split('.')[2]!), 'no signature in the log');
  });

  it('answers /healthz and /readyz on the admin listener only', async () => {
    assert.equal((await fetch(`${gw.adminUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${gw.adminUrl}/readyz`)).status, 200);
    const onService = await send(gw.url, { path: '/healthz', headers: { host: 'nobody.example' } });
    assert.equal(onService.status, 404);
  });
});
