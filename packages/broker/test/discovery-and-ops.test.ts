// JWKS, OIDC discovery, health, readiness, metrics — and that no secret reaches the log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProof } from '../../identity/test/support/proof-builder.ts';
import { type Harness, LOGIN_AUDIENCE, startHarness, tokenForm } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ tokens: { algorithm: 'ES256', ttlSeconds: 300 } });
});
after(() => h.close());

describe('discovery', () => {
  it('JWKS publishes public keys only, with kid = RFC 7638 thumbprint and Cache-Control', async () => {
    const res = await fetch(`${h.brokerUrl}/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    assert.equal(keys.length, 2);
    const { calculateJwkThumbprint } = await import('jose');
    for (const key of keys) {
      assert.equal(key.d, undefined, 'private part must never be published');
      assert.equal(key.alg, 'ES256');
      assert.equal(key.use, 'sig');
      assert.equal(
        key.kid,
        await calculateJwkThumbprint({ kty: key.kty!, crv: key.crv!, x: key.x!, y: key.y! }),
      );
    }
  });

  it('the OIDC discovery document points at the JWKS and names the login audience', async () => {
    const doc = (await (
      await fetch(`${h.brokerUrl}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    assert.equal(doc.issuer, 'http://broker.test');
    assert.equal(doc.jwks_uri, 'http://broker.test/.well-known/jwks.json');
    assert.equal(doc.token_endpoint, 'http://broker.test/v1/token');
    assert.equal(doc.rolegate_login_audience, LOGIN_AUDIENCE);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256']);
  });

  it('keys survive a restart: same state folder, same kids', async () => {
    const kidsBefore = (
      (await (await fetch(`${h.brokerUrl}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      }
    ).keys.map((k) => k.kid);
    const { KeyRing } = await import('../src/keys/key-ring.ts');
    const stateDir = h.broker.config.stateDir;
    const ring = await KeyRing.load(`${stateDir}/keys`, { algorithm: 'ES256' });
    assert.deepEqual(
      ring.keys.map((k) => k.kid),
      kidsBefore,
    );
  });
});

describe('operations', () => {
  it('healthz and readyz', async () => {
    assert.equal((await fetch(`${h.brokerUrl}/healthz`)).status, 200);
    assert.equal((await fetch(`${h.brokerUrl}/readyz`)).status, 200);
  });

  it('metrics count issued and refused tokens by code', async () => {
    await h.login('orders');
    await h.exchange(tokenForm('rgsts1.!!'));
    const text = await (await fetch(`${h.brokerUrl}/metrics`)).text();
    assert.match(text, /rolegate_token_requests_total\{outcome="issued"\} [1-9]/);
    assert.match(text, /rolegate_token_requests_total\{outcome="proof.bad_encoding"\} 1/);
    assert.match(text, /process_cpu_seconds_total/);
  });

  it('every answer carries a request id', async () => {
    const res = await fetch(`${h.brokerUrl}/healthz`);
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('no signature, session token, proof or issued token is ever logged', async () => {
    const proof = await h.proofFor('orders');
    const url = new URL(decodeProof(proof));
    const ok = await h.exchange(tokenForm(proof));
    assert.equal(ok.status, 200);
    await h.exchange(tokenForm(proof)); // replay, logged as a refusal
    const forged = await h.login({ ...h.identity('orders'), secretAccessKey: 'y'.repeat(40) });
    assert.equal(forged.status, 401);
    const logs = h.logs();
    assert.match(logs, /sts login/);
    assert.match(
      logs,
      new RegExp(h.identity('orders').accessKeyId),
      'access key id is logged for audit',
    );
    for (const secret of [
      url.searchParams.get('X-Amz-Signature')!,
      h.identity('orders').sessionToken!,
      h.identity('orders').secretAccessKey,
      proof.slice(0, 60),
      ok.body.access_token as string,
    ]) {
      assert.ok(!logs.includes(secret), `log contains a secret: ${secret.slice(0, 12)}…`);
    }
  });
});
