// Forward auth under attack: who may ask (trusted proxies, shared secret), what the original
// request may look like, and one normalisation for both modes — every path trick gets the same
// code through the forward-auth listener as through the proxy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawExchange, send } from '../support/raw-http.ts';
import { type ForwardAuthRig, startRig, traefik } from './support.ts';

const SECRET = 'a-secret-only-the-proxy-knows-0123456789';

describe('forward auth: who may ask', () => {
  let farAway: ForwardAuthRig;
  let withSecret: ForwardAuthRig;
  before(async () => {
    farAway = await startRig({ listeners: [{ port: 0 }], trustedProxies: ['10.0.0.0/8'] });
    withSecret = await startRig({
      listeners: [{ port: 0 }],
      sharedSecret: { value: SECRET },
    });
  });
  after(async () => {
    await farAway.close();
    await withSecret.close();
  });

  it('refuses forged X-Forwarded-* from an address that is not a trusted proxy (403)', async () => {
    const answer = await traefik(farAway.fa[0]!, { uri: '/public/x' });
    assert.equal(answer.status, 403);
    assert.equal(answer.json().rolegate_code, 'forwardauth.untrusted_proxy');
    assert.equal(answer.headers['x-rolegate-identity'], undefined);
  });

  it('asks for the shared secret: missing, wrong, twice refused; right admitted', async () => {
    const url = withSecret.fa[0]!;
    const header = 'x-rolegate-forward-auth-secret';
    const tries: Record<string, string | string[]>[] = [
      {},
      { [header]: `${SECRET}x` },
      { [header]: SECRET.slice(0, -1) },
      { [header]: [SECRET, SECRET] },
    ];
    for (const headers of tries) {
      const answer = await traefik(url, { uri: '/public/x' }, headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.equal(answer.json().rolegate_code, 'forwardauth.untrusted_proxy');
    }
    const answer = await traefik(url, { uri: '/public/x' }, { [header]: SECRET });
    assert.equal(answer.status, 200);
  });

  it('never shows the shared secret to the policy or the log', async () => {
    assert.equal(withSecret.gw.logText().includes(SECRET), false);
  });
});

describe('forward auth: the original request', () => {
  let rig: ForwardAuthRig;
  before(async () => {
    rig = await startRig({ listeners: [{ port: 0 }] }, { limits: { maxHeaderBytes: 4_096 } });
  });
  after(() => rig.close());

  const code = async (headers: Record<string, string | string[]>, path = '/auth') => {
    const answer = await send(rig.fa[0]!, { path, headers });
    return {
      status: answer.status,
      code: answer.status === 200 ? 'ok' : answer.json().rolegate_code,
    };
  };
  const base = {
    'x-forwarded-method': 'GET',
    'x-forwarded-host': 'billing.example',
    'x-forwarded-uri': '/public/x',
  };

  it('admits the well-formed description (the baseline of this suite)', async () => {
    assert.deepEqual(await code(base), { status: 200, code: 'ok' });
    // Traefik's X-Forwarded-Proto for a WebSocket.
    assert.deepEqual(await code({ ...base, 'x-forwarded-proto': 'wss' }), {
      status: 200,
      code: 'ok',
    });
  });

  for (const [name, headers, expected] of [
    ['no original URI', { ...base, 'x-forwarded-uri': undefined }, 'forwardauth.bad_original'],
    [
      'no original method',
      { ...base, 'x-forwarded-method': undefined },
      'forwardauth.bad_original',
    ],
    ['no original host', { ...base, 'x-forwarded-host': undefined }, 'forwardauth.bad_original'],
    ['an empty URI', { ...base, 'x-forwarded-uri': '' }, 'forwardauth.bad_original'],
    [
      'two X-Forwarded-Uri',
      { ...base, 'x-forwarded-uri': ['/public/x', '/admin/x'] },
      'forwardauth.bad_original',
    ],
    [
      'two X-Forwarded-Method',
      { ...base, 'x-forwarded-method': ['GET', 'DELETE'] },
      'forwardauth.bad_original',
    ],
    [
      'two X-Forwarded-Host',
      { ...base, 'x-forwarded-host': ['billing.example', 'open.example'] },
      'forwardauth.bad_original',
    ],
    [
      'nginx’s X-Original-URI beside Traefik’s',
      { ...base, 'x-original-uri': '/admin/x' },
      'forwardauth.bad_original',
    ],
    [
      'a method that is not a token',
      { ...base, 'x-forwarded-method': 'GET /admin' },
      'forwardauth.bad_original',
    ],
    [
      'a method with a colon',
      { ...base, 'x-forwarded-method': 'G:ET' },
      'forwardauth.bad_original',
    ],
    [
      'X-Forwarded-Proto that is not http(s)',
      { ...base, 'x-forwarded-proto': 'gopher' },
      'forwardauth.bad_original',
    ],
    [
      'an absolute-form URI',
      { ...base, 'x-forwarded-uri': 'http://evil.example/public/x' },
      'request.bad_path',
    ],
    ['an asterisk URI', { ...base, 'x-forwarded-uri': '*' }, 'request.bad_path'],
    [
      'a host list',
      { ...base, 'x-forwarded-host': 'billing.example, evil.example' },
      'request.bad_host',
    ],
    [
      'a host with userinfo',
      { ...base, 'x-forwarded-host': 'open.example:80@billing.example' },
      'request.bad_host',
    ],
    [
      'a host with an escape',
      { ...base, 'x-forwarded-host': 'billing%2eexample' },
      'request.bad_host',
    ],
    [
      'two Authorization headers',
      { ...base, authorization: ['Bearer a', 'Bearer b'] },
      'request.duplicate_header',
    ],
    ['a header name with _', { ...base, x_tenant: 'a' }, 'request.bad_header_name'],
    ['a # in the query', { ...base, 'x-forwarded-uri': '/public/x?a=1#frag' }, 'request.bad_query'],
  ] as const) {
    it(`refuses ${name} (${expected}, 403)`, async () => {
      const headers2 = Object.fromEntries(
        Object.entries(headers).filter(([, v]) => v !== undefined),
      ) as Record<string, string | string[]>;
      assert.deepEqual(await code(headers2), { status: 403, code: expected });
    });
  }

  it('431 for an oversized head, on the raw socket', async () => {
    const { port } = new URL(rig.fa[0]!);
    const answer = await rawExchange(
      rig.fa[0]!,
      `GET /auth HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Host: billing.example\r\nX-Forwarded-Uri: /public/${'a'.repeat(5_000)}\r\n\r\n`,
    );
    assert.equal(answer.status, 431);
  });

  it('answers an Upgrade with 403, never a 200', async () => {
    const answer = await rawExchange(
      rig.fa[0]!,
      'GET /auth HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Host: billing.example\r\nX-Forwarded-Uri: /public/x\r\n\r\n',
    );
    assert.equal(answer.status, 403);
  });

  // One normalisation for both modes: each trick gets the same code from the forward-auth
  // listener as from the proxy (403 where the proxy answers 400 or 404).
  const tricks = [
    '/public/..%2fadmin/x',
    '/public/%2e%2e/admin/x',
    '/public/%2E%2E/admin/x',
    '/public/../admin/x',
    '//admin/x',
    '/public//../admin/x',
    '/public\\..\\admin/x',
    '/public/%5c../admin/x',
    '/public/x%2Fy',
    '/public;x/../admin/x',
    '/admin;x/y',
    '/public/%00',
    '/public/%zz',
    '/public/%c0%ae%c0%ae/admin',
    '/%61dmin/x',
    '/public/a b',
    '/public/x?a=1',
    '/ADMIN/x',
  ];
  for (const path of tricks) {
    it(`refuses or decides ${JSON.stringify(path)} as the proxy mode does`, async () => {
      const proxied = await rawExchange(
        rig.gw.url,
        `GET ${path} HTTP/1.1\r\nHost: billing.example\r\nConnection: close\r\n\r\n`,
      );
      const proxiedCode =
        proxied.status === 200 ? 'ok' : (JSON.parse(proxied.body).rolegate_code as string);
      const asked = await rawExchange(
        rig.fa[0]!,
        `GET /auth HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Method: GET\r\nX-Forwarded-Host: billing.example\r\nX-Forwarded-Uri: ${path}\r\nConnection: close\r\n\r\n`,
      );
      const askedCode =
        asked.status === 200 ? 'ok' : (JSON.parse(asked.body).rolegate_code as string);
      // A raw space ends the request line in the proxy mode (a parse error) but not in a header.
      if (path.includes(' ')) assert.equal(askedCode, 'request.bad_path');
      else assert.equal(askedCode, proxiedCode, `${path}: proxy ${proxied.status}`);
      assert.ok(asked.status === 200 || asked.status === 401 || asked.status === 403);
    });
  }
});
