// Without an OpenTelemetry SDK (the default) tracing is the api's no-op: a broker login and a
// gateway request work as ever, nothing is written into the upstream request (the caller's
// `traceparent` passes as it came, like any other header), and no span is recorded anywhere —
// a provider registered afterwards has received nothing.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import { callerTraceparent, registerTestTracing } from '../../broker/test/support/tracing.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';

const AUDIENCE = 'https://rates.example';
const ordersMayCallRates = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: 'arn:rolegate:lattice:::service/rates/*',
    },
  ],
};

let h: Harness;
let backend: Backend;
let gw: RunningGateway;

before(async () => {
  h = await startHarness();
  backend = await startBackend();
  gw = await startGateway({
    jwt: { issuer: 'http://broker.test', jwksUri: `${h.brokerUrl}/.well-known/jwks.json` },
    sts: { endpointOverrides: { '*': h.sts.url }, allowInsecureEndpoints: true, timeoutMs: 1_000 },
    services: [
      {
        name: 'rates',
        upstreams: [backend.url],
        audiences: [AUDIENCE],
        policy: ordersMayCallRates,
      },
    ],
  });
});
after(async () => {
  await gw?.close();
  await backend?.close();
  await h?.close();
});

it('with no tracer provider: logins and requests work, nothing is injected or recorded', async () => {
  const noop = trace.getTracer('probe').startSpan('probe');
  assert.equal(noop.isRecording(), false, 'no provider is registered in this process');

  const login = await h.login('orders', AUDIENCE);
  assert.equal(login.status, 200);
  const caller = callerTraceparent();
  const proof = await h.proofFor('orders', { audience: AUDIENCE });
  for (const authorization of [`Bearer ${login.body.access_token}`, `RoleGate-STS ${proof}`]) {
    const before = backend.seen.length;
    const response = await fetch(`${gw.url}/v1/rates`, {
      headers: { host: 'rates.example', authorization, traceparent: caller.traceparent },
    });
    assert.equal(response.status, 200, await response.text());
    assert.equal(backend.seen[before]!.headers.traceparent, caller.traceparent);
  }

  const late = registerTestTracing();
  try {
    assert.deepEqual(late.spans(), [], 'no span was recorded before a provider existed');
  } finally {
    await late.close();
  }
});
