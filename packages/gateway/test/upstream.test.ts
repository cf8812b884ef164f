// The upstream side: down → 502, slow → 504 (each with a request id), and WebSocket upgrades —
// authorized before anything reaches the upstream, then passed through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'undici';
import { type Backend, deadPort, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, billingPolicy } from './support/fixture.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';
import { rawExchange, send } from './support/raw-http.ts';
import { claims, createTokenKit, ISSUER, type TokenKit } from './support/tokens.ts';

const upgradeRequest = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: billing.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

describe('upstreams', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;
  let token: string;

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    const down = `http://127.0.0.1:${await deadPort()}`;
    gw = await startGateway({
      jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
      services: [
        {
          name: 'billing',
          listener: { hosts: ['billing.example', '127.0.0.1'] },
          upstreams: [backend.url],
          audiences: [BILLING_AUDIENCE],
          policy: billingPolicy,
          upstream: { headersTimeoutMs: 300 },
        },
        {
          name: 'down',
          listener: { hosts: ['down.example'] },
          upstreams: [down],
          authType: 'NONE',
        },
      ],
    });
    token = await kit.sign(claims(BILLING_AUDIENCE));
  });
  after(async () => {
    await gw.close();
    await backend.close();
    kit.close();
  });

  it('answers 502 upstream.unavailable with a request id when the upstream is down', async () => {
    const reply = await send(gw.url, { path: '/x', headers: { host: 'down.example' } });
    assert.equal(reply.status, 502);
    const body = reply.json();
    assert.equal(body.rolegate_code, 'upstream.unavailable');
    assert.equal(body.request_id, reply.headers['x-rolegate-request-id']);
    assert.match(String(accessLine(gw, String(body.request_id))?.reason), /ECONNREFUSED/);
  });

  it('answers 504 upstream.timeout when the upstream is slower than headersTimeoutMs', async () => {
    backend.slowMs = 1_500;
    const started = Date.now();
    const reply = await send(gw.url, {
      path: '/slow-headers',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
    });
    assert.equal(reply.status, 504);
    assert.equal(reply.json().rolegate_code, 'upstream.timeout');
    assert.ok(Date.now() - started < 1_400);
  });

  describe('WebSocket upgrades', () => {
    it('refuses an upgrade the policy denies before it reaches the upstream', async () => {
      const before = backend.upgrades.length;
      const denied = await rawExchange(
        gw.url,
        upgradeRequest('/admin/socket', `Authorization: Bearer ${token}\r\n`),
      );
      assert.equal(denied.status, 403);
      assert.match(denied.body, /"rolegate_code":"request\.denied"/);
      const anonymous = await rawExchange(gw.url, upgradeRequest('/invoices/socket'));
      assert.equal(anonymous.status, 401);
      const badToken = await rawExchange(
        gw.url,
        upgradeRequest('/public/socket', 'Authorization: Bearer x.y.z\r\n'),
      );
      assert.equal(badToken.status, 401);
      assert.equal(backend.upgrades.length, before, 'no upgrade reached the upstream');
    });

    it('passes an allowed upgrade through, identity headers set and spoofed ones stripped', async () => {
      const before = backend.upgrades.length;
      const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/invoices/socket`, {
        headers: { authorization: `Bearer ${token}`, 'x-rolegate-identity': 'Principal=spoofed' },
      });
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.addEventListener('open', () => ws.send('hello through the gateway'));
        ws.addEventListener('message', (event) => resolve(String(event.data)));
        ws.addEventListener('error', () => reject(new Error('websocket error')));
      });
      ws.close();
      assert.equal(echoed, 'hello through the gateway');
      const seen = backend.upgrades[before]!;
      assert.match(String(seen.headers['x-rolegate-identity']), /^Principal=arn:aws:sts::/);
      assert.equal(seen.headers.authorization, undefined);
      const requestId = seen.headers['x-rolegate-request-id'];
      assert.equal(accessLine(gw, String(requestId))?.status, 101);
    });
  });
});
