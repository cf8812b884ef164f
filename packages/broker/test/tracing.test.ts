// OpenTelemetry spans of a real token request: the broker in front of the STS emulator (and, for a
// KMS key, the KMS emulator), a tracer provider with an in-memory exporter registered as an
// application would. Checks the span tree, the attributes, the failure codes, that the caller's
// trace is continued, and that no span carries a secret.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  createDevIdentities,
  type KmsEmulator,
  type StsIdentity,
  startKmsEmulator,
} from '@rolegate/testkit';
import { createKeyFile } from '../src/keys/key-ring.ts';
import { type RingEntry, writeRingFile } from '../src/keys/ring-file.ts';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';
import { kmsClientFactoryFor, kmsThumbprint } from './support/kms.ts';
import {
  assertNoSecretIn,
  callerTraceparent,
  inTrace,
  isChildOf,
  registerTestTracing,
  type TestTracing,
} from './support/tracing.ts';

let tracing: TestTracing;
before(() => {
  tracing = registerTestTracing();
});
after(() => tracing.close());

/** Posts a token request carrying the caller's `traceparent`; returns the trace's spans. */
async function tracedExchange(h: Harness, form: Record<string, string>) {
  const caller = callerTraceparent();
  const response = await fetch(`${h.brokerUrl}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      traceparent: caller.traceparent,
    },
    body: new URLSearchParams(form),
  });
  const body = (await response.json()) as Record<string, string>;
  // The server span ends after the handler returns; Fastify has sent the answer by then.
  await new Promise((resolve) => setImmediate(resolve));
  return { status: response.status, body, caller, spans: inTrace(tracing.spans(), caller.traceId) };
}

function secretsOf(identity: StsIdentity, ...more: string[]): string[] {
  return [identity.secretAccessKey, identity.sessionToken ?? '', ...more].filter((s) => s !== '');
}

/** orders may get tokens for https://billing.example, nobody anything else. */
const LOGIN_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
      Action: 'rolegate:IssueToken',
      Resource: 'https://billing.example',
    },
  ],
};

describe('a token request with a local key', () => {
  let h: Harness;
  let policyDir: string;
  before(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'rolegate-trace-policy-'));
    writeFileSync(join(policyDir, 'login.json'), JSON.stringify(LOGIN_POLICY));
    h = await startHarness({ loginPolicy: join(policyDir, 'login.json') });
  });
  after(async () => {
    await h.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it('is one server span continuing the caller, with a child per step', async () => {
    const proof = await h.proofFor('orders');
    const { status, body, caller, spans } = await tracedExchange(h, tokenForm(proof));
    assert.equal(status, 200);

    const server = tracing.one('POST /v1/token', spans);
    assert.equal(server.kind, SpanKind.SERVER);
    assert.equal(server.parentSpanContext?.spanId, caller.spanId, 'continues the caller');
    assert.equal(server.attributes['http.request.method'], 'POST');
    assert.equal(server.attributes['http.route'], '/v1/token');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.status.code, SpanStatusCode.UNSET);

    const login = tracing.one('rolegate.login', spans);
    const policy = tracing.one('rolegate.login_policy', spans);
    const sign = tracing.one('rolegate.token.sign', spans);
    for (const step of [login, policy, sign]) assert.ok(isChildOf(step, server), step.name);
    assert.equal(login.attributes['rolegate.token_type'], 'aws-sts-presigned');
    assert.equal(login.attributes['rolegate.principal_type'], 'AssumedRole');
    assert.equal(policy.attributes['rolegate.allowed'], true);
    assert.equal(policy.attributes['rolegate.audience'], 'https://billing.example');
    assert.equal(sign.attributes['rolegate.key_source'], 'file');
    const kid = JSON.parse(Buffer.from(body.access_token!.split('.')[0]!, 'base64url').toString());
    assert.equal(sign.attributes['rolegate.key_id'], kid.kid);

    // identity's steps, under the login span, in their order
    const validate = tracing.one('rolegate.proof.validate', spans);
    const check = tracing.one('rolegate.replay.check', spans);
    const sts = tracing.one('STS/GetCallerIdentity', spans);
    const claim = tracing.one('rolegate.replay.claim', spans);
    for (const step of [validate, check, sts, claim]) assert.ok(isChildOf(step, login), step.name);
    const order = [validate, check, sts, claim].map((s) => s.startTime[0] * 1e9 + s.startTime[1]);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    assert.equal(validate.attributes['rolegate.proof_type'], 'aws-sts');
    assert.equal(claim.attributes['rolegate.replay_cache'], 'MemoryReplayCache');
    assert.equal(sts.kind, SpanKind.CLIENT);
    assert.equal(sts.attributes['rpc.system'], 'aws-api');
    assert.equal(sts.attributes['rpc.service'], 'STS');
    assert.equal(sts.attributes['rpc.method'], 'GetCallerIdentity');
    assert.equal(sts.attributes['server.address'], '127.0.0.1');
    assert.equal(sts.attributes['cloud.region'], 'us-east-1');
    assert.equal(sts.attributes['http.response.status_code'], 200);
    assert.equal(typeof sts.attributes['aws.request_id'], 'string');

    const token = body.access_token!;
    assertNoSecretIn(spans, secretsOf(h.identity('orders'), proof, token));
    assert.equal(
      spans.some((s) => Object.values(s.attributes).some((v) => String(v).includes('arn:aws'))),
      false,
      'no ARN is recorded',
    );
  });

  it('a replayed proof: the server span and the step that failed are ERROR with the code', async () => {
    const proof = await h.proofFor('orders');
    assert.equal((await tracedExchange(h, tokenForm(proof))).status, 200);
    const { status, body, spans } = await tracedExchange(h, tokenForm(proof));
    assert.equal(status, 401);
    assert.equal(body.rolegate_code, 'proof.replayed');
    const failed = (s: ReadableSpan) =>
      s.status.code === SpanStatusCode.ERROR && s.attributes['rolegate.code'] === 'proof.replayed';
    assert.ok(failed(tracing.one('POST /v1/token', spans)));
    assert.ok(failed(tracing.one('rolegate.login', spans)));
    assert.equal(tracing.one('rolegate.login', spans).attributes['error.type'], 'proof.replayed');
    assert.equal(spans.filter((s) => s.name === 'STS/GetCallerIdentity').length, 0, 'no STS call');
    assert.equal(spans.filter((s) => s.name === 'rolegate.token.sign').length, 0);
    assertNoSecretIn(spans, secretsOf(h.identity('orders'), proof));
  });

  it('a login policy refusal is recorded on the policy span and the server span', async () => {
    const proof = await h.proofFor('orders');
    const { status, body, spans } = await tracedExchange(
      h,
      tokenForm(proof, 'https://nobody.example'),
    );
    assert.equal(status, 403, JSON.stringify(body));
    assert.equal(body.rolegate_code, 'policy.denied');
    assert.equal(tracing.one('rolegate.login_policy', spans).attributes['rolegate.allowed'], false);
    assert.equal(
      tracing.one('POST /v1/token', spans).attributes['rolegate.code'],
      body.rolegate_code,
    );
  });
});

describe('a token request with a KMS key', () => {
  let kms: KmsEmulator;
  let h: Harness;
  let stateDir: string;
  let kid: string;
  before(async () => {
    const [kmsCaller] = createDevIdentities() as [StsIdentity];
    kms = await startKmsEmulator({ credentials: [kmsCaller] });
    const { keyId } = await kms.createKey('ECC_NIST_P256', { aliases: ['alias/rolegate-traced'] });
    kid = await kmsThumbprint(kms, keyId);
    stateDir = mkdtempSync(join(tmpdir(), 'rolegate-trace-kms-'));
    const dir = join(stateDir, 'keys');
    mkdirSync(dir, { mode: 0o700 });
    const active: RingEntry = {
      kid,
      status: 'active',
      kms: { keyId, region: kms.region, endpoint: kms.url },
      createdAt: new Date().toISOString(),
    };
    const standby = await createKeyFile(dir, 'RS256');
    writeRingFile(dir, { version: 1, keys: [active, { ...standby, status: 'standby' }] });
    h = await startHarness({ stateDir }, { kmsClientFactory: kmsClientFactoryFor(kmsCaller) });
  });
  after(async () => {
    await h?.close();
    await kms?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('signing holds the KMS Sign call as a client span', async () => {
    const proof = await h.proofFor('orders');
    const { status, body, spans } = await tracedExchange(h, tokenForm(proof));
    assert.equal(status, 200, JSON.stringify(body));
    const sign = tracing.one('rolegate.token.sign', spans);
    const kmsSign = tracing.one('KMS/Sign', spans);
    assert.ok(isChildOf(kmsSign, sign));
    assert.equal(sign.attributes['rolegate.key_source'], 'kms');
    assert.equal(kmsSign.kind, SpanKind.CLIENT);
    assert.equal(kmsSign.attributes['rpc.system'], 'aws-api');
    assert.equal(kmsSign.attributes['rpc.service'], 'KMS');
    assert.equal(kmsSign.attributes['rpc.method'], 'Sign');
    assert.equal(kmsSign.attributes['rolegate.key_id'], kid);
    const signature = body.access_token!.split('.')[2]!;
    assertNoSecretIn(spans, secretsOf(h.identity('orders'), proof, body.access_token!, signature));
  });
});
