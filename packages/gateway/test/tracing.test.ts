// OpenTelemetry spans of real gateway requests: a broker in front of the STS emulator issues the
// token, the gateway verifies it (or lets STS confirm a raw proof) and proxies to a real backend.
// A tracer provider with an in-memory exporter is registered as an application would. Checks the
// span tree, that the backend's `traceparent` is the caller's trace with the gateway's upstream
// span as parent, the refusal codes, and that no span carries a credential.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import {
  assertNoSecretIn,
  callerTraceparent,
  inTrace,
  isChildOf,
  registerTestTracing,
  type TestTracing,
} from '../../broker/test/support/tracing.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';

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

let tracing: TestTracing;
let h: Harness;
let backend: Backend;
let gw: RunningGateway;

before(async () => {
  tracing = registerTestTracing();
  h = await startHarness();
  backend = await startBackend();
  gw = await startGateway({
    jwt: { issuer: 'http://broker.test', jwksUri: `${h.brokerUrl}/.well-known/jwks.json` },
    sts: { endpointOverrides: { '*': h.sts.url }, allowInsecureEndpoints: true, timeoutMs: 1_000 },
    services: [
      { name: 'rates', upstreams: [backend.url], audiences: [AUDIENCE], policy: ratesPolicy },
    ],
  });
});
after(async () => {
  await gw?.close();
  await backend?.close();
  await h?.close();
  await tracing.close();
});

/** A request to the rates service carrying a caller's trace context; the trace's spans after it. */
async function tracedRequest(authorization: string | undefined, tracestate?: string) {
  const caller = callerTraceparent();
  const seenBefore = backend.seen.length;
  const headers: Record<string, string> = {
    host: 'rates.example',
    traceparent: caller.traceparent,
  };
  if (authorization !== undefined) headers.authorization = authorization;
  if (tracestate !== undefined) headers.tracestate = tracestate;
  const response = await fetch(`${gw.url}/v1/rates?currency=EUR`, { headers });
  const body = await response.text();
  // The server span ends on the response's `close`, just after the client has the answer.
  await waitFor(() =>
    inTrace(tracing.spans(), caller.traceId).some(
      (s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === '@rolegate/gateway',
    ),
  );
  return {
    status: response.status,
    body,
    caller,
    seen: backend.seen.slice(seenBefore),
    spans: inTrace(tracing.spans(), caller.traceId),
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'the span was never ended');
}

const gatewaySpan = (spans: ReturnType<TestTracing['spans']>) => {
  const found = spans.filter(
    (s) => s.kind === SpanKind.SERVER && s.instrumentationScope.name === '@rolegate/gateway',
  );
  assert.equal(found.length, 1);
  return found[0]!;
};

describe('a request with a token the broker issued', () => {
  it('is a server span with authenticate, authorize and upstream; the backend continues the upstream span', async () => {
    const login = await h.login('orders', AUDIENCE);
    const token = String(login.body.access_token);
    const { status, caller, seen, spans } = await tracedRequest(`Bearer ${token}`, 'vendor=abc');
    assert.equal(status, 200);

    const server = gatewaySpan(spans);
    assert.equal(server.name, 'GET');
    assert.equal(server.parentSpanContext?.spanId, caller.spanId, 'continues the caller');
    assert.equal(server.attributes['http.request.method'], 'GET');
    assert.equal(server.attributes['url.path'], '/v1/rates');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.attributes['rolegate.service'], 'rates');
    assert.equal(server.attributes['rolegate.decision'], 'Allow');
    assert.equal(server.status.code, SpanStatusCode.UNSET);

    const authenticate = tracing.one('rolegate.authenticate', spans);
    const authorize = tracing.one('rolegate.authorize', spans);
    const upstream = tracing.one('rolegate.upstream', spans);
    for (const step of [authenticate, authorize, upstream])
      assert.ok(isChildOf(step, server), step.name);
    assert.equal(authenticate.attributes['rolegate.credential_kind'], 'jwt');
    assert.equal(authenticate.attributes['rolegate.principal_type'], 'AssumedRole');
    assert.equal(authorize.attributes['rolegate.decision'], 'Allow');
    assert.equal(upstream.kind, SpanKind.CLIENT);
    assert.equal(upstream.attributes['http.response.status_code'], 200);
    assert.equal(upstream.attributes['url.path'], '/v1/rates', 'no query string');

    // The backend got one traceparent: the caller's trace, the gateway's upstream span as parent.
    assert.equal(seen.length, 1);
    const sent = seen[0]!.rawHeaders.filter(
      (_, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === 'traceparent',
    );
    assert.equal(sent.length, 1, 'exactly one traceparent upstream');
    const [version, traceId, parentId] = sent[0]!.split('-');
    assert.equal(version, '00');
    assert.equal(traceId, caller.traceId);
    assert.equal(parentId, upstream.spanContext().spanId);
    assert.notEqual(parentId, caller.spanId, "not the caller's traceparent forwarded");
    assert.equal(seen[0]!.headers.tracestate, 'vendor=abc', 'tracestate travels with the trace');

    assertNoSecretIn(spans, [token, token.split('.')[2]!]);
  });

  it('an invalid token: authenticate and the server span are ERROR with the code; nothing goes upstream', async () => {
    const login = await h.login('orders', AUDIENCE);
    const token = `${String(login.body.access_token).slice(0, -4)}AAAA`;
    const { status, body, seen, spans } = await tracedRequest(`Bearer ${token}`);
    assert.equal(status, 401);
    const code = (JSON.parse(body) as { rolegate_code: string }).rolegate_code;
    const authenticate = tracing.one('rolegate.authenticate', spans);
    assert.equal(authenticate.status.code, SpanStatusCode.ERROR);
    assert.equal(authenticate.attributes['rolegate.code'], code);
    const server = gatewaySpan(spans);
    assert.equal(server.status.code, SpanStatusCode.ERROR);
    assert.equal(server.attributes['rolegate.code'], code);
    assert.equal(server.attributes['http.response.status_code'], 401);
    assert.equal(spans.filter((s) => s.name === 'rolegate.upstream').length, 0);
    assert.equal(seen.length, 0);
    assertNoSecretIn(spans, [token]);
  });

  it('a denied caller: authorize says ImplicitDeny, the server span carries request.denied', async () => {
    const login = await h.login('reviews', AUDIENCE);
    const token = String(login.body.access_token);
    const { status, spans } = await tracedRequest(`Bearer ${token}`);
    assert.equal(status, 403);
    assert.equal(
      tracing.one('rolegate.authorize', spans).attributes['rolegate.decision'],
      'ImplicitDeny',
    );
    assert.equal(gatewaySpan(spans).attributes['rolegate.code'], 'request.denied');
    assertNoSecretIn(spans, [token]);
  });
});

describe('a request with a raw STS proof (no broker)', () => {
  it("authenticate holds identity's proof, replay and STS spans; no proof or key in any span", async () => {
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    const { status, spans } = await tracedRequest(`RoleGate-STS ${proof}`);
    assert.equal(status, 200);
    const authenticate = tracing.one('rolegate.authenticate', spans);
    assert.equal(authenticate.attributes['rolegate.credential_kind'], 'sts');
    for (const name of [
      'rolegate.proof.validate',
      'rolegate.replay.check',
      'STS/GetCallerIdentity',
      'rolegate.replay.claim',
    ]) {
      assert.ok(isChildOf(tracing.one(name, spans), authenticate), name);
    }
    const orders = h.identity('orders');
    assertNoSecretIn(spans, [proof, orders.secretAccessKey, orders.sessionToken ?? proof]);
  });
});
