// Forward auth decides exactly as the proxy mode does: the same identity headers for an Allow, the
// same codes for refusals (mapped to the statuses a proxy understands), the same access log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessLine } from '../support/gateway.ts';
import { send } from '../support/raw-http.ts';
import { SESSION_ARN } from '../support/tokens.ts';
import { type ForwardAuthRig, startRig, traefik } from './support.ts';

describe('forward auth (x-forwarded: Traefik, Caddy)', () => {
  let rig: ForwardAuthRig;
  before(async () => {
    rig = await startRig({ listeners: [{ host: '127.0.0.1', port: 0 }] });
  });
  after(() => rig.close());

  it('answers 200 with exactly the identity headers the proxy mode sends upstream', async () => {
    const token = await rig.token();
    const proxied = await send(rig.gw.url, {
      path: '/invoices/1',
      headers: { host: 'billing.example', authorization: `Bearer ${token}` },
    });
    assert.equal(proxied.status, 200);
    const upstream = rig.backend.seen.at(-1)!.headers;
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/invoices/1' },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(answer.status, 200, answer.text);
    for (const name of ['x-rolegate-identity', 'x-rolegate-identity-tags', 'x-rolegate-service']) {
      assert.equal(answer.headers[name], upstream[name], name);
    }
    assert.match(
      String(answer.headers['x-rolegate-identity']),
      new RegExp(`Principal=${SESSION_ARN}`),
    );
    assert.equal(answer.headers['x-rolegate-request-id'] !== undefined, true);
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.text, '');
  });

  it('logs one access line per decision with the original method and path', async () => {
    const answer = await traefik(rig.fa[0]!, { method: 'DELETE', uri: '/public/x?y=1' });
    const line = accessLine(rig.gw, String(answer.headers['x-rolegate-request-id']));
    assert.equal(line?.method, 'DELETE');
    assert.equal(line?.path, '/public/x');
    assert.equal(line?.targetService ?? line?.service, 'billing');
    assert.equal(line?.listener, 'forward-auth');
    assert.equal(line?.sourceIp, '192.0.2.10');
    const metrics = await (await fetch(`${rig.gw.adminUrl}/metrics`)).text();
    assert.match(
      metrics,
      /rolegate_gateway_decisions_total\{service="billing",decision="Allow"\} \d+/,
    );
  });

  it('401 with the challenge for an anonymous caller the policy does not let in', async () => {
    const answer = await traefik(rig.fa[0]!, { uri: '/invoices/1' });
    assert.equal(answer.status, 401);
    assert.match(String(answer.headers['www-authenticate']), /^Bearer realm="rolegate"/);
    assert.equal(answer.json().rolegate_code, 'token.missing');
    assert.equal(answer.headers['x-rolegate-error'], 'token.missing');
    assert.equal(answer.headers['cache-control'], 'no-store');
  });

  it('401 for a bad token, never an anonymous caller', async () => {
    const stranger = await rig.tokens.signWithStranger();
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/public/x' },
      { authorization: `Bearer ${stranger}` },
    );
    assert.equal(answer.status, 401);
    assert.match(String(answer.json().rolegate_code), /^token\./);
  });

  it('403 request.denied for a denied caller (the policy reads the original path)', async () => {
    const token = await rig.token();
    const answer = await traefik(
      rig.fa[0]!,
      { uri: '/admin/users' },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(answer.status, 403);
    assert.equal(answer.json().rolegate_code, 'request.denied');
  });

  it('decides the original path, never the auth request’s own path', async () => {
    const asked = await send(rig.fa[0]!, {
      path: '/admin/x',
      headers: {
        'x-forwarded-method': 'GET',
        'x-forwarded-host': 'billing.example',
        'x-forwarded-uri': '/public/page',
      },
    });
    assert.equal(asked.status, 200, 'the own path /admin/x is not what is decided');
    const reverse = await send(rig.fa[0]!, {
      path: '/public/page',
      headers: {
        'x-forwarded-method': 'GET',
        'x-forwarded-host': 'billing.example',
        'x-forwarded-uri': '/admin/x',
      },
    });
    assert.equal(reverse.status, 401, 'the original /admin/x is what is decided');
  });

  it('routes on the original host: an unknown host is refused (403 request.no_route)', async () => {
    const answer = await traefik(rig.fa[0]!, { uri: '/x', host: 'nowhere.example' });
    assert.equal(answer.status, 403);
    assert.equal(answer.json().rolegate_code, 'request.no_route');
  });

  it('a pass-through (NONE) service is 200 without an identity', async () => {
    const answer = await traefik(rig.fa[0]!, { uri: '/x', host: 'open.example' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-rolegate-identity'], undefined);
    assert.equal(answer.headers['x-rolegate-service'], 'arn:rolegate:lattice:::service/open');
  });
});
