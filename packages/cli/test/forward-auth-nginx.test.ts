// Forward auth behind a real nginx: `rolegate dev` (the STS emulator, a real broker, the gateway's
// forward-auth listener and the demo backends), and Debian's nginx with `auth_request` in front of
// the demo backends — the configuration docs/forward-auth.md and the README show. The walkthrough
// through nginx: orders → billing and rates, reviews → rates only, with broker tokens and raw STS
// proofs; identity headers reach the backend through `auth_request_set`, forged ones never do;
// 401 carries its challenge; path tricks are refused; nginx's proxy_cache keeps token decisions
// and never a proof's. Skipped with a message when nginx is not installed (CI installs it).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningDev, startDev } from '../src/dev/start-dev.ts';
import { NGINX, type RunningNginx, startNginx } from './support/nginx.ts';
import { runCli } from './support/run-cli.ts';

/** The auth location's lines: what nginx tells the gateway about the request it holds. */
export function authLocation(forwardAuthUrl: string): string {
  return `
      proxy_pass ${forwardAuthUrl};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Method "";
      proxy_set_header X-Forwarded-Uri "";
      proxy_set_header X-Forwarded-Port "";
      proxy_set_header X-Original-URL "";
      proxy_set_header Forwarded "";`;
}

/** A protected location's lines: ask, copy the identity upstream, pass the challenge back. */
export function protectedLocation(backend: string, auth = '/_rolegate_auth'): string {
  return `
      auth_request ${auth};
      auth_request_set $rg_identity $upstream_http_x_rolegate_identity;
      auth_request_set $rg_identity_tags $upstream_http_x_rolegate_identity_tags;
      auth_request_set $rg_service $upstream_http_x_rolegate_service;
      auth_request_set $rg_request_id $upstream_http_x_rolegate_request_id;
      auth_request_set $rg_www_authenticate $upstream_http_www_authenticate;
      auth_request_set $rg_error $upstream_http_x_rolegate_error;
      add_header WWW-Authenticate $rg_www_authenticate always;
      add_header X-RoleGate-Error $rg_error always;
      proxy_set_header X-RoleGate-Identity $rg_identity;
      proxy_set_header X-RoleGate-Identity-Tags $rg_identity_tags;
      proxy_set_header X-RoleGate-Service $rg_service;
      proxy_set_header X-RoleGate-Request-Id $rg_request_id;
      proxy_set_header Authorization "";
      proxy_pass ${backend};`;
}

interface Answer {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<Echo>;
}

interface Echo {
  readonly service: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

describe('forward auth behind nginx', {
  skip:
    NGINX === undefined ? 'nginx is not installed (apt-get install nginx); CI installs it' : false,
}, () => {
  let stateDir: string;
  let dev: RunningDev;
  let nginx: RunningNginx;
  const tokens: Record<string, string> = {};

  const cli = async (args: string[]) => {
    const res = await runCli([...args, '--state-dir', stateDir]);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout.trim();
  };
  const proof = (who: string) =>
    cli(['proof', '--dev-identity', who, '--login-audience', dev.description.gateway.audience]);

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'rolegate-nginx-dev-'));
    dev = await startDev({ stateDir, port: 0, logLevel: 'silent' });
    const { gateway } = dev.description;
    const fa = gateway.forwardAuth!.url;
    const { billing, rates } = gateway.backends!;
    nginx = await startNginx(`
  proxy_cache_path {dir}/cache keys_zone=rolegate_auth:1m;
  server {
    listen 127.0.0.1:{port} default_server;
    location = /_rolegate_auth {
      internal;${authLocation(fa)}
    }
    location /billing/ {${protectedLocation(billing!)}
    }
    location /rates/ {${protectedLocation(rates!)}
    }
  }
  server {
    listen 127.0.0.1:{port};
    server_name cached.test;
    location = /_rolegate_auth {
      internal;
      proxy_cache rolegate_auth;
      proxy_cache_key "$http_authorization|$request_method|$host|$request_uri";${authLocation(fa)}
    }
    location /billing/ {${protectedLocation(billing!)}
    }
  }`);
    for (const who of ['orders', 'reviews']) {
      tokens[who] = await cli([
        'token',
        '--no-cache',
        '--dev-identity',
        who,
        '--audience',
        gateway.audience,
      ]);
    }
  });
  after(async () => {
    await nginx?.stop();
    await dev?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  // node:http rather than fetch: the path goes as written, and Host may be set.
  const call = (
    path: string,
    authorization?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${nginx.url}${path}`,
        { headers: { ...(authorization ? { authorization } : {}), ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: { get: (name: string) => (res.headers[name] as string | undefined) ?? null },
              json: async () => JSON.parse(text) as Echo,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const bearer = (who: string) => `Bearer ${tokens[who]}`;

  it('plays the walkthrough with broker tokens: orders → billing, rates; reviews → rates only', async () => {
    for (const [who, service, status] of [
      ['orders', 'billing', 200],
      ['orders', 'rates', 200],
      ['reviews', 'rates', 200],
      ['reviews', 'billing', 403],
    ] as const) {
      const res = await call(`/${service}/invoices`, bearer(who));
      assert.equal(res.status, status, `${who} → ${service}`);
      if (status === 200) {
        const echo = await res.json();
        assert.equal(echo.service, service);
        assert.match(
          echo.headers['x-rolegate-identity']!,
          new RegExp(`^Principal=arn:aws:sts::111122223333:assumed-role/${who}/`),
        );
        assert.equal(
          echo.headers['x-rolegate-service'],
          `arn:rolegate:lattice:::service/${service}`,
        );
        assert.match(echo.headers['x-rolegate-request-id']!, /^[0-9a-f-]{36}$/);
        assert.equal(echo.headers.authorization, undefined, 'the credential stays at the edge');
      } else {
        assert.equal(res.headers.get('x-rolegate-error'), 'request.denied');
      }
    }
  });

  it('admits a raw STS proof once; the replay is 401 with the challenge', async () => {
    const orders = `RoleGate-STS ${await proof('orders')}`;
    const first = await call('/billing/x', orders);
    assert.equal(first.status, 200);
    const echo = await first.json();
    assert.match(echo.headers['x-rolegate-identity']!, /assumed-role\/orders\//);
    assert.equal(echo.headers.authorization, undefined, 'a proof never reaches a backend');
    const again = await call('/billing/x', orders);
    assert.equal(again.status, 401);
    assert.equal(again.headers.get('x-rolegate-error'), 'sts.proof_replayed');
    assert.match(String(again.headers.get('www-authenticate')), /^Bearer realm="rolegate"/);
    const reviews = await call('/billing/x', `RoleGate-STS ${await proof('reviews')}`);
    assert.equal(reviews.status, 403);
  });

  it('401 with WWW-Authenticate for a caller without a credential', async () => {
    const res = await call('/rates/x');
    assert.equal(res.status, 401);
    assert.match(String(res.headers.get('www-authenticate')), /^Bearer realm="rolegate"/);
    assert.equal(res.headers.get('x-rolegate-error'), 'token.missing');
  });

  it('clears forged identity headers from the client: they never reach the backend', async () => {
    const res = await call('/rates/x', bearer('reviews'), {
      'x-rolegate-identity': 'Principal=arn:aws:iam::111122223333:role/admin; Type=AssumedRole',
      'x-rolegate-identity-tags': 'team=admins',
      'x-rolegate-service': 'arn:rolegate:lattice:::service/billing',
    });
    assert.equal(res.status, 200);
    const echo = await res.json();
    assert.match(echo.headers['x-rolegate-identity']!, /assumed-role\/reviews\//);
    assert.equal(echo.headers['x-rolegate-identity-tags'], undefined, 'reviews has no tags');
    assert.equal(echo.headers['x-rolegate-service'], 'arn:rolegate:lattice:::service/rates');
  });

  it('refuses the paths that have two readings ($request_uri reaches the gateway as sent)', async () => {
    for (const [path, code] of [
      ['/billing/x%2fy', 'request.encoded_slash'],
      ['/billing/x%2Fy', 'request.encoded_slash'],
      ['/billing/a;b/x', 'request.bad_path'],
      ['/billing/%5c..%5cx', 'request.backslash'],
    ] as const) {
      const res = await call(path, bearer('orders'));
      assert.equal(res.status, 403, path);
      assert.equal(res.headers.get('x-rolegate-error'), code, path);
    }
    // What nginx refuses itself never reaches the gateway.
    assert.equal((await call('/billing/%zz', bearer('orders'))).status, 400);
  });

  it('routes a dot segment as nginx does: the policy of the service the request really reaches', async () => {
    // nginx resolves /rates/%2e%2e/billing/x to the billing location; the gateway reads the same.
    const sneaky = await call('/rates/%2e%2e/billing/x', bearer('reviews'));
    assert.equal(sneaky.status, 403);
    const fine = await call('/billing/%2e%2e/rates/x', bearer('reviews'));
    assert.equal(fine.status, 200);
    assert.equal((await fine.json()).service, 'rates');
  });

  it('lets proxy_cache keep a token’s Allow (one decision for two requests), never a proof’s', async () => {
    const cached = { host: 'cached.test' };
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const res = await call('/billing/cached', bearer('orders'), cached);
      assert.equal(
        res.status,
        200,
        nginx
          .errorLog()
          .split('\n')
          .filter((l) => /\[(error|crit|alert|emerg)\]/.test(l))
          .join('\n'),
      );
      ids.push((await res.json()).headers['x-rolegate-request-id']);
    }
    assert.equal(ids[0], ids[1], 'the second request was decided from the cache');
    const other = await call('/billing/cached2', bearer('orders'), cached);
    assert.notEqual((await other.json()).headers['x-rolegate-request-id'], ids[0]);
    const orders = `RoleGate-STS ${await proof('orders')}`;
    assert.equal((await call('/billing/cached', orders, cached)).status, 200);
    assert.equal((await call('/billing/cached', orders, cached)).status, 401, 'not from a cache');
  });
});
