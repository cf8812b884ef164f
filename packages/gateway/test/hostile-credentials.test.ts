// A credential that is present but fails is refused with 401 and its own code — never treated as
// no credential, even on a path anonymous callers may use. Nothing reaches the backend.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, servicesFor } from './support/fixture.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';
import { send } from './support/raw-http.ts';
import { claims, createTokenKit, ISSUER, type TokenKit } from './support/tokens.ts';

describe('failing credentials never become Anonymous', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    gw = await startGateway({
      jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
      services: servicesFor(backend.url),
    });
  });
  after(async () => {
    await gw.close();
    await backend.close();
    kit.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const failing: [string, () => Promise<string>, string][] = [
    ['garbage', async () => 'Bearer garbage', 'token.malformed'],
    ['an empty bearer', async () => 'Bearer', 'token.malformed'],
    ['two bearer tokens', async () => 'Bearer a.b.c d.e.f', 'token.malformed'],
    [
      'an expired token',
      async () =>
        `Bearer ${await kit.sign(claims(BILLING_AUDIENCE, { iat: now() - 4000, nbf: now() - 4000, exp: now() - 3000 }))}`,
      'token.expired',
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await kit.sign(claims('https://other.example'))}`,
      'token.audience_mismatch',
    ],
    [
      'a token from another issuer',
      async () =>
        `Bearer ${await kit.sign(claims(BILLING_AUDIENCE, { iss: 'https://evil.example' }))}`,
      'token.issuer_mismatch',
    ],
    [
      'a token signed by an unknown key',
      async () => `Bearer ${await kit.signWithStranger(claims(BILLING_AUDIENCE))}`,
      'token.unknown_key',
    ],
    [
      'a token with a tampered payload',
      async () => {
        const [h, , s] = (await kit.sign(claims(BILLING_AUDIENCE))).split('.');
        const forged = Buffer.from(
          JSON.stringify(claims(BILLING_AUDIENCE, { sub: 'arn:aws:iam::111122223333:role/admin' })),
        ).toString('base64url');
        return `Bearer ${h}.${forged}.${s}`;
      },
      'token.bad_signature',
    ],
    [
      'an unsigned (alg none) token',
      async () => {
        const h = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
        const p = Buffer.from(JSON.stringify(claims(BILLING_AUDIENCE))).toString('base64url');
        return `Bearer ${h}.${p}.`;
      },
      'token.malformed',
    ],
    ['another scheme', async () => 'Basic dXNlcjpwYXNz', 'credential.unsupported_scheme'],
    [
      'an STS proof when STS is not configured',
      async () => 'RoleGate-STS rgsts1.abc',
      'credential.unsupported_scheme',
    ],
    ['an empty header', async () => '', 'credential.unsupported_scheme'],
  ];

  for (const [label, make, code] of failing) {
    it(`refuses ${label} with 401 ${code}, on a path open to anonymous callers`, async () => {
      const before = backend.seen.length;
      const reply = await send(gw.url, {
        path: '/public/prices',
        headers: { host: 'billing.example', authorization: await make() },
      });
      assert.equal(reply.status, 401, reply.text);
      const body = reply.json();
      assert.equal(body.rolegate_code, code);
      assert.match(String(reply.headers['www-authenticate']), /^Bearer realm="rolegate"/);
      assert.equal(backend.seen.length, before, 'nothing reached the backend');
      const line = accessLine(gw, String(body.request_id));
      assert.notEqual(line?.principal, 'Anonymous');
      assert.equal(line?.code, code);
    });
  }

  it('never writes a credential to the log', async () => {
    const text = gw.logText();
    assert.ok(!text.includes('dXNlcjpwYXNz'));
    assert.ok(!text.includes('Bearer '));
  });
});
