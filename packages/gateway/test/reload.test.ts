// Policy and config reload: a good change applies at once, a bad one is refused with an error
// logged and the previous rules kept; connections open across the reload keep working and a
// request in flight finishes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadGatewayConfigFile } from '../src/index.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, billingPolicy } from './support/fixture.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';
import { collect, openSocket, send } from './support/raw-http.ts';
import { claims, createTokenKit, ISSUER, type TokenKit } from './support/tokens.ts';

describe('reload', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;
  let dir: string;
  let configFile: string;
  let token: string;

  const writeConfig = (extraServices: object[] = []) =>
    writeFileSync(
      configFile,
      stringify({
        listeners: [{ host: '127.0.0.1', port: 0 }],
        admin: { host: '127.0.0.1', port: 0 },
        jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
        services: [
          {
            name: 'billing',
            listener: { hosts: ['billing.example'] },
            upstreams: [backend.url],
            audiences: [BILLING_AUDIENCE],
            policy: 'billing.json',
          },
          ...extraServices,
        ],
      }),
    );
  const writePolicy = (doc: unknown) =>
    writeFileSync(join(dir, 'billing.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  const invoice = () =>
    send(gw.url, {
      path: '/invoices/1',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
    });

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-reload-'));
    configFile = join(dir, 'gateway.yaml');
    writePolicy(billingPolicy);
    writeConfig();
    const config = loadGatewayConfigFile(configFile);
    const { services, jwt, listeners, admin } = config;
    gw = await startGateway({ services, jwt, listeners, admin }, { configFile });
    token = await kit.sign(claims(BILLING_AUDIENCE));
  });
  after(async () => {
    await gw.close();
    await backend.close();
    kit.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a changed policy', async () => {
    assert.equal((await invoice()).status, 200);
    writePolicy({
      ...billingPolicy,
      Statement: [
        ...billingPolicy.Statement,
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: 'arn:rolegate:lattice:::service/billing/invoices/*',
        },
      ],
    });
    assert.deepEqual(await gw.gateway.reload(), { ok: true });
    assert.equal((await invoice()).status, 403);
  });

  it('refuses an invalid policy, logs why, and keeps the one in force', async () => {
    writePolicy(billingPolicy);
    assert.equal((await gw.gateway.reload()).ok, true);
    writePolicy({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/a*' } }],
    });
    const result = await gw.gateway.reload();
    assert.equal(result.ok, false);
    assert.equal(result.ok === false && (result.error as { code?: string }).code, 'config.invalid');
    assert.match(result.ok === false ? result.error.message : '', /principal\.partial_wildcard/);
    const line = gw
      .logs()
      .find((l) => l.level === 50 && String(l.msg).startsWith('reload refused'));
    assert.ok(line !== undefined, 'an error is logged');
    assert.equal((await invoice()).status, 200, 'the previous policy still decides');
    writePolicy('{ not json');
    assert.equal((await gw.gateway.reload()).ok, false);
    assert.equal((await invoice()).status, 200);
    const metrics = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    assert.match(metrics, /rolegate_gateway_config_reloads_total\{outcome="refused"\} 2/);
  });

  it('applies a new service from the config file, and refuses a config that does not validate', async () => {
    writePolicy(billingPolicy);
    writeConfig([
      {
        name: 'extra',
        listener: { hosts: ['extra.example'] },
        upstreams: [backend.url],
        authType: 'NONE',
      },
    ]);
    assert.equal((await gw.gateway.reload()).ok, true);
    assert.equal(
      (await send(gw.url, { path: '/', headers: { host: 'extra.example' } })).status,
      200,
    );
    writeFileSync(configFile, 'services: []\n');
    assert.equal((await gw.gateway.reload()).ok, false);
    assert.equal(
      (await send(gw.url, { path: '/', headers: { host: 'extra.example' } })).status,
      200,
    );
  });

  it('keeps open connections and requests in flight across a reload', async () => {
    writeConfig();
    const socket = await openSocket(gw.url);
    const request = (path: string, extra = '') =>
      `GET ${path} HTTP/1.1\r\nHost: billing.example\r\nAuthorization: Bearer ${token}\r\n${extra}\r\n`;
    const first = new Promise<string>((resolve) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        // The answer is chunked: it is complete at the last (empty) chunk.
        if (text.endsWith('\r\n0\r\n\r\n')) {
          socket.off('data', onData);
          resolve(text);
        }
      };
      socket.on('data', onData);
    });
    socket.write(request('/invoices/a'));
    assert.match(await first, /^HTTP\/1\.1 200/);
    backend.slowMs = 400;
    const inFlight = send(gw.url, {
      path: '/slow-headers',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await gw.gateway.reload()).ok, true);
    const rest = collect(socket, 1_500);
    socket.write(request('/invoices/b', 'Connection: close\r\n'));
    const second = await rest;
    assert.equal(second.status, 200, 'the same connection still serves after the reload');
    assert.equal((await inFlight).status, 200, 'the request in flight finished');
  });
});
