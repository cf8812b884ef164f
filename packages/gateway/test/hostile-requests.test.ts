// Hostile requests: spoofed identity headers, ambiguous paths, duplicate credentials, oversized
// heads, request-smuggling shapes and slow clients. In every case the backend must see nothing it
// could misread — most often, nothing at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, servicesFor } from './support/fixture.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';
import { collect, openSocket, rawExchange, send } from './support/raw-http.ts';
import { claims, createTokenKit, ISSUER, SESSION_ARN, type TokenKit } from './support/tokens.ts';

const SPOOFS: [string, string][] = [
  ['X-RoleGate-Identity', 'Principal=arn:aws:iam::999999999999:root; Type=Account'],
  ['x-rolegate-identity', 'Principal=arn:aws:iam::999999999999:user/evil'],
  ['X-ROLEGATE-IDENTITY-TAGS', 'team=admins'],
  ['x-RoleGate-Service', 'arn:rolegate:lattice:::service/admin'],
  ['x-rolegate-request-id', 'spoofed'],
  ['X-Rolegate-Anything', 'x'],
  ['X-Forwarded-For', '203.0.113.9'],
  ['x-forwarded-proto', 'https'],
  ['Forwarded', 'for=203.0.113.9;proto=https'],
];

/** Values of a header in raw headers, matched case-insensitively: duplicates show up here. */
function rawValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) out.push(raw[i + 1]!);
  return out;
}

describe('hostile requests', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;
  let token: string;

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    gw = await startGateway({
      jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
      limits: { maxHeaderBytes: 4_096, headersTimeoutMs: 500, requestTimeoutMs: 1_000 },
      services: servicesFor(backend.url),
    });
    token = await kit.sign(claims(BILLING_AUDIENCE));
  });
  after(async () => {
    await gw.close();
    await backend.close();
    kit.close();
  });

  describe('spoofed identity headers', () => {
    const spoofed = (host: string, authorization?: string) => {
      const headers: string[] = ['Host', host];
      for (const [name, value] of SPOOFS) headers.push(name, value);
      if (authorization !== undefined) headers.push('Authorization', authorization);
      return headers;
    };

    for (const [label, host, path, auth] of [
      ['an authenticated caller', 'billing.example', '/invoices/1', true],
      ['an anonymous caller', 'billing.example', '/public/1', false],
      ['a NONE service', 'open.example', '/x', false],
    ] as const) {
      it(`are stripped for ${label}, in any case and however often sent`, async () => {
        const before = backend.seen.length;
        const reply = await send(gw.url, {
          path,
          headers: spoofed(host, auth ? `Bearer ${token}` : undefined),
        });
        assert.equal(reply.status, 200);
        const raw = backend.seen[before]!.rawHeaders;
        const identity = rawValues(raw, 'x-rolegate-identity');
        if (host === 'open.example') assert.deepEqual(identity, []);
        else if (auth)
          assert.deepEqual(identity, [
            `Principal=${SESSION_ARN}; SessionName=orders-1; Type=AssumedRole`,
          ]);
        else assert.deepEqual(identity, ['Type=Anonymous']);
        assert.deepEqual(rawValues(raw, 'x-rolegate-identity-tags'), auth ? ['team=payments'] : []);
        assert.equal(rawValues(raw, 'x-rolegate-service').length, 1);
        assert.deepEqual(rawValues(raw, 'x-rolegate-request-id'), [
          String(reply.headers['x-rolegate-request-id']),
        ]);
        assert.deepEqual(rawValues(raw, 'x-rolegate-anything'), []);
        assert.deepEqual(rawValues(raw, 'x-forwarded-for'), ['127.0.0.1']);
        assert.deepEqual(rawValues(raw, 'x-forwarded-proto'), ['http']);
        assert.deepEqual(rawValues(raw, 'forwarded'), []);
      });
    }
  });

  it('drops hop-by-hop headers and every header Connection names; sends the canonical Host', async () => {
    const before = backend.seen.length;
    const reply = await rawExchange(
      gw.url,
      'GET /x HTTP/1.1\r\nHost: OPEN.Example.:0080\r\nConnection: keep-alive, X-Secret, x-other\r\n' +
        'X-Secret: 1\r\nX-Other: 2\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eDp5\r\n' +
        'Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: x-t\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n' +
        'X-Kept: yes\r\n\r\n',
    );
    assert.equal(reply.status, 200, reply.text);
    const seen = backend.seen[before]!;
    for (const name of [
      'x-secret',
      'x-other',
      'keep-alive',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'trailer',
      'http2-settings',
    ]) {
      assert.deepEqual(rawValues(seen.rawHeaders, name), [], name);
    }
    assert.deepEqual(rawValues(seen.rawHeaders, 'x-kept'), ['yes']);
    assert.deepEqual(rawValues(seen.rawHeaders, 'host'), ['open.example:80']);
  });

  describe('paths', () => {
    it('routes, authorizes and forwards the one normalised path', async () => {
      const before = backend.seen.length;
      const reply = await send(gw.url, {
        path: '/public/a/./b/../c?x=1',
        headers: { host: 'billing.example' },
      });
      assert.equal(reply.status, 200);
      assert.equal(backend.seen[before]!.url, '/public/a/c?x=1');
    });

    for (const path of [
      '/public/../invoices/1',
      '/public/%2e%2e/invoices/1',
      '/public/%2E./invoices/1',
    ]) {
      it(`does not let ${path} escape the public prefix`, async () => {
        const before = backend.seen.length;
        const reply = await send(gw.url, { path, headers: { host: 'billing.example' } });
        assert.equal(reply.status, 401, 'anonymous on /invoices is not allowed');
        assert.equal(backend.seen.length, before);
      });
    }

    it('applies a Deny to a dot-segment path that lands on it', async () => {
      const reply = await send(gw.url, {
        path: '/public/%2e%2e/admin/users',
        headers: { host: 'billing.example', authorization: `Bearer ${token}` },
      });
      assert.equal(reply.status, 403);
    });

    for (const [path, codes] of [
      ['/public%2F..%2Fadmin/x', ['request.encoded_slash']],
      ['/public/%2f', ['request.encoded_slash']],
      ['/public/%5c..%5cadmin', ['request.backslash']],
      ['/public/%00', ['request.nul']],
      ['/public/%zz', ['request.bad_escape']],
      ['/public/%c3%28', ['request.bad_escape']],
      ['*', ['request.bad_path']],
      ['http://billing.example/public/x', ['request.bad_path']],
    ] as const) {
      it(`refuses ${JSON.stringify(path)} with 400 before any policy or upstream`, async () => {
        const before = backend.seen.length;
        const reply = await rawExchange(
          gw.url,
          `GET ${path} HTTP/1.1\r\nHost: open.example\r\nConnection: close\r\n\r\n`,
        );
        assert.equal(reply.status, 400, reply.text);
        assert.ok(
          codes.some((c) => reply.body.includes(`"rolegate_code":"${c}"`)),
          reply.body,
        );
        assert.equal(backend.seen.length, before);
      });
    }

    for (const [label, line] of [
      ['a raw backslash', 'GET /public\\..\\admin HTTP/1.1'],
      ['a raw NUL', 'GET /public/\0 HTTP/1.1'],
    ] as const) {
      it(`refuses a path with ${label} (400) without reaching the upstream`, async () => {
        const before = backend.seen.length;
        const reply = await rawExchange(
          gw.url,
          `${line}\r\nHost: open.example\r\nConnection: close\r\n\r\n`,
        );
        assert.equal(reply.status, 400, reply.text);
        assert.match(reply.body, /"rolegate_code":"request\.(backslash|nul|malformed|bad_path)"/);
        assert.equal(backend.seen.length, before);
      });
    }
  });

  describe('duplicate and oversized headers', () => {
    it('refuses two Authorization headers, even when the first is valid', async () => {
      for (const second of [`Bearer ${token}`, 'Bearer nonsense', 'Basic eDp5']) {
        const before = backend.seen.length;
        const reply = await send(gw.url, {
          path: '/public/x',
          headers: [
            'Host',
            'billing.example',
            'Authorization',
            `Bearer ${token}`,
            'authorization',
            second,
          ],
        });
        assert.equal(reply.status, 400);
        assert.equal(reply.json().rolegate_code, 'request.duplicate_header');
        assert.equal(backend.seen.length, before);
      }
    });

    it('refuses two Host headers', async () => {
      const reply = await rawExchange(
        gw.url,
        'GET /public/x HTTP/1.1\r\nHost: open.example\r\nHost: billing.example\r\nConnection: close\r\n\r\n',
      );
      assert.equal(reply.status, 400);
      assert.match(reply.body, /request\.duplicate_header/);
    });

    it('answers 431 to a head over maxHeaderBytes', async () => {
      const before = backend.seen.length;
      const reply = await rawExchange(
        gw.url,
        `GET /x HTTP/1.1\r\nHost: open.example\r\nX-Big: ${'a'.repeat(8_000)}\r\n\r\n`,
      );
      assert.equal(reply.status, 431);
      assert.match(reply.body, /"rolegate_code":"request\.headers_too_large"/);
      assert.equal(backend.seen.length, before);
    });
  });

  describe('request smuggling shapes', () => {
    const shapes: [string, string][] = [
      [
        'Content-Length with Transfer-Encoding',
        'POST /x HTTP/1.1\r\nHost: open.example\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: open.example\r\n\r\n',
      ],
      [
        'two Content-Length headers',
        'POST /x HTTP/1.1\r\nHost: open.example\r\nContent-Length: 0\r\nContent-Length: 41\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: open.example\r\n\r\n',
      ],
      [
        'a folded header (obs-fold)',
        'GET /x HTTP/1.1\r\nHost: open.example\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n',
      ],
      [
        'Transfer-Encoding that does not end in chunked',
        'POST /x HTTP/1.1\r\nHost: open.example\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n',
      ],
      [
        'a Content-Length that is a list',
        'POST /x HTTP/1.1\r\nHost: open.example\r\nContent-Length: 4, 4\r\n\r\nabcd',
      ],
      [
        'a space before the colon',
        'GET /x HTTP/1.1\r\nHost: open.example\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
      ],
    ];
    for (const [label, bytes] of shapes) {
      it(`refuses ${label} with 400 and forwards nothing`, async () => {
        const before = backend.seen.length;
        const reply = await rawExchange(gw.url, bytes);
        assert.equal(reply.status, 400, reply.text);
        assert.match(reply.body, /"rolegate_code":"request\.malformed"/);
        assert.equal(backend.seen.length, before, 'nothing reached the backend');
        assert.ok(!reply.text.includes('/smuggled'));
      });
    }
  });

  describe('slow clients', () => {
    it('cuts off a head that trickles in (408)', async () => {
      const socket = await openSocket(gw.url);
      const answer = collect(socket, 4_000);
      socket.write('GET /x HTTP/1.1\r\nHost: open.example\r\n');
      const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 150);
      const started = Date.now();
      const reply = await answer;
      clearInterval(timer);
      assert.equal(reply.status, 408);
      assert.match(reply.body, /"rolegate_code":"request\.timeout"/);
      // headersTimeoutMs is 500: cut within it and a second of slack for Node's periodic check.
      assert.ok(Date.now() - started < 1_500, `cut after ${Date.now() - started} ms`);
    });

    it('cuts off a body that keeps trickling, at requestTimeoutMs (408)', async () => {
      const socket = await openSocket(gw.url);
      const answer = collect(socket, 5_000);
      socket.write(
        'POST /echo-body HTTP/1.1\r\nHost: open.example\r\nContent-Length: 1000\r\n\r\n',
      );
      const timer = setInterval(() => socket.writable && socket.write('a'), 100);
      const started = Date.now();
      const reply = await answer;
      clearInterval(timer);
      assert.equal(reply.status, 408, reply.text);
      // requestTimeoutMs is 1000.
      assert.ok(Date.now() - started < 2_000, `cut after ${Date.now() - started} ms`);
    });

    it('cuts off a body that trickles in (408), and the connection closes', async () => {
      const socket = await openSocket(gw.url);
      const answer = collect(socket, 5_000);
      socket.write(
        'POST /echo-body HTTP/1.1\r\nHost: open.example\r\nContent-Length: 100\r\n\r\n0123456789',
      );
      const started = Date.now();
      const reply = await answer;
      assert.equal(reply.status, 408, reply.text);
      assert.ok(Date.now() - started < 4_000);
      const line = gw
        .logs()
        .find((l) => l.msg === 'request' && l.code === 'request.timeout' && l.method === 'POST');
      assert.ok(line !== undefined, 'logged as the request it cut off');
    });
  });
});
