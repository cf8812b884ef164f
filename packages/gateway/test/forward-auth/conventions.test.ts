// Each proxy's auth request, shaped as its documentation says it sends it (Traefik ForwardAuth,
// Caddy forward_auth, nginx auth_request, ingress-nginx auth-url, Envoy ext_authz HTTP service),
// and a Unix socket listener. The decision must be the same whichever door it comes through.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { send } from '../support/raw-http.ts';
import { type ForwardAuthRig, startRig } from './support.ts';

describe('forward auth conventions', () => {
  let rig: ForwardAuthRig;
  let dir: string;
  let token: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-fa-'));
    rig = await startRig({
      listeners: [
        { port: 0, convention: 'x-forwarded' },
        { port: 0, convention: 'x-original' },
        { port: 0, convention: 'x-original', hostHeader: 'host' },
        { port: 0, convention: 'x-original', hostHeader: 'x-original-url' },
        { port: 0, convention: 'envoy', pathPrefix: '/ext-authz' },
        { socket: join(dir, 'auth.sock'), convention: 'x-original' },
      ],
    });
    token = await rig.token();
  });
  after(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const [traefikUrl, nginxUrl, nginxHostUrl, ingressUrl, envoyUrl] = [0, 1, 2, 3, 4].map(
    (i) => () => rig.fa[i]!,
  ) as [() => string, () => string, () => string, () => string, () => string];

  it('reports each listener’s URL, a socket as unix:<path>', () => {
    assert.equal(rig.fa.length, 6);
    assert.equal(rig.fa[5], `unix:${join(dir, 'auth.sock')}`);
  });

  it('Caddy forward_auth: GET to the uri, X-Forwarded-Method/-Uri set, Host kept, X-Forwarded-Host/-Proto/-For added', async () => {
    const answer = await send(traefikUrl(), {
      path: '/auth',
      headers: {
        host: 'billing.example',
        authorization: `Bearer ${token}`,
        'x-forwarded-method': 'POST',
        'x-forwarded-uri': '/invoices?draft=1',
        'x-forwarded-host': 'billing.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '198.51.100.7',
      },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.match(String(answer.headers['x-rolegate-identity']), /^Principal=arn:aws:sts::/);
  });

  it('nginx auth_request: X-Original-Method/-URI and X-Forwarded-Host set by the location, Host is the auth upstream', async () => {
    const answer = await send(nginxUrl(), {
      path: '/rolegate-auth',
      headers: {
        host: '127.0.0.1:9999',
        authorization: `Bearer ${token}`,
        'x-original-method': 'GET',
        'x-original-uri': '/invoices/7',
        'x-forwarded-host': 'billing.example',
        'x-forwarded-proto': 'http',
        connection: 'close',
      },
    });
    assert.equal(answer.status, 200, answer.text);
    const denied = await send(nginxUrl(), {
      path: '/rolegate-auth',
      headers: {
        authorization: `Bearer ${token}`,
        'x-original-method': 'GET',
        'x-original-uri': '/admin/x',
        'x-forwarded-host': 'billing.example',
      },
    });
    assert.equal(denied.status, 403);
  });

  it('nginx with proxy_set_header Host $host (hostHeader: host)', async () => {
    const answer = await send(nginxHostUrl(), {
      path: '/auth',
      headers: {
        host: 'billing.example',
        'x-original-method': 'GET',
        'x-original-uri': '/public/a',
      },
    });
    assert.equal(answer.status, 200);
    // X-Forwarded-Host is not what this listener reads: a forged one changes nothing.
    const forged = await send(nginxHostUrl(), {
      path: '/auth',
      headers: {
        host: 'billing.example',
        'x-forwarded-host': 'open.example',
        'x-original-method': 'GET',
        'x-original-uri': '/invoices',
      },
    });
    assert.equal(forged.status, 401);
  });

  it('ingress-nginx auth-url: the host from X-Original-URL, which must agree with X-Original-URI', async () => {
    const headers = {
      host: 'rolegate.auth.svc',
      authorization: `Bearer ${token}`,
      'x-original-method': 'GET',
      'x-original-uri': '/invoices/1?x=1',
      'x-original-url': 'https://billing.example/invoices/1?x=1',
      'x-scheme': 'https',
      'x-sent-from': 'nginx-ingress-controller',
    };
    assert.equal((await send(ingressUrl(), { path: '/', headers })).status, 200);
    const disagree = await send(ingressUrl(), {
      path: '/',
      headers: { ...headers, 'x-original-url': 'https://billing.example/admin/x' },
    });
    assert.equal(disagree.status, 403);
    assert.equal(disagree.json().rolegate_code, 'forwardauth.bad_original');
    // Without auth-method, ingress-nginx sends no X-Original-URI: the URL's target is the URI.
    const { 'x-original-uri': _uri, ...urlOnly } = headers;
    assert.equal((await send(ingressUrl(), { path: '/', headers: urlOnly })).status, 200);
    const adminOnly = { ...urlOnly, 'x-original-url': 'https://billing.example/admin/x' };
    assert.equal((await send(ingressUrl(), { path: '/', headers: adminOnly })).status, 403);
  });

  it('Envoy ext_authz HTTP: the original method, path_prefix + path, Host and allowed headers', async () => {
    const answer = await send(envoyUrl(), {
      method: 'DELETE',
      path: '/ext-authz/invoices/3',
      headers: {
        host: 'billing.example',
        authorization: `Bearer ${token}`,
        'content-length': '0',
        'x-forwarded-proto': 'https',
        'x-envoy-internal': 'true',
      },
    });
    assert.equal(answer.status, 200, answer.text);
    const denied = await send(envoyUrl(), {
      method: 'GET',
      path: '/ext-authz/admin/x',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.json().rolegate_code, 'request.denied');
    const outside = await send(envoyUrl(), {
      path: '/other/public/x',
      headers: { host: 'billing.example' },
    });
    assert.equal(outside.json().rolegate_code, 'forwardauth.bad_original');
    // A client header naming another path changes nothing in the envoy convention: refused.
    const steered = await send(envoyUrl(), {
      path: '/ext-authz/admin/x',
      headers: { host: 'billing.example', 'x-forwarded-uri': '/public/x' },
    });
    assert.equal(steered.json().rolegate_code, 'forwardauth.bad_original');
  });

  it('serves a Unix socket listener (its peers are trusted by the file’s permissions)', async () => {
    const answer = await new Promise<{ status: number; identity: unknown }>((resolve, reject) => {
      const req = request(
        {
          socketPath: join(dir, 'auth.sock'),
          path: '/auth',
          headers: {
            authorization: `Bearer ${token}`,
            'x-original-method': 'GET',
            'x-original-uri': '/invoices',
            'x-forwarded-host': 'billing.example',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, identity: res.headers['x-rolegate-identity'] }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 200);
    assert.match(String(answer.identity), /^Principal=/);
  });
});
