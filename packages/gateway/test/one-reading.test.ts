// One reading of every request: raw requests (path encodings, header spellings, repeated headers,
// Host forms, absolute-form targets, credentials) sent through the gateway to three backends that
// each read a request their own way (support/differential-backends.ts). Whenever a backend acts,
// it must act on exactly the request the policy decided on:
// - its path, after its own decoding, is the path the gateway logged and decided on;
// - its host is the host the request was routed by;
// - the identity and forwarding headers it reads, by any accessor, are only the gateway's;
// - every value its accessors could give for a header or query key the policy reads is one the
//   policy allows — the policy is evaluated again on the backend's own reading, and must Allow.
// This suite is what later changes must not break: add every new bypass here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compilePolicy } from '@rolegate/policy';
import { authorize } from '@rolegate/verify';
import {
  type DifferentialBackend,
  hasPython,
  type Reading,
  startExpressBackend,
  startFastifyBackend,
  startUrlBackend,
  startWsgiBackend,
} from './support/differential-backends.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';
import { rawExchange } from './support/raw-http.ts';

const BILLING_ARN = 'arn:rolegate:lattice:::service/billing';

// A Lattice resource is the service ARN followed by the full request path: the service is mounted
// at /billing, so its admin pages are `…/service/billing/billing/admin…`.
const billingPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/*`,
    },
    {
      Sid: 'NoAdminPages',
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/billing/admin*`,
    },
    {
      Sid: 'NoDeleteVerb',
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/billing/users:delete*`,
    },
    {
      Sid: 'NoAdminTenant',
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: { StringEquals: { 'vpc-lattice-svcs:RequestHeader/x-tenant': 'admin' } },
    },
    {
      Sid: 'NoAdminRole',
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: { StringEquals: { 'vpc-lattice-svcs:RequestQueryString/role': 'admin' } },
    },
  ],
};
const compiled = compilePolicy(JSON.stringify(billingPolicy), { name: 'billing' });

/** The host each service is routed by. */
const HOSTS = {
  billing: 'api.internal',
  public: 'public.internal',
  admin: 'admin.internal',
  'mixed-public': 'mixed.internal',
  'mixed-billing': 'mixed.internal',
};

function servicesFor(upstream: string, caseInsensitivePaths: boolean) {
  return [
    {
      name: 'billing',
      listener: { hosts: [HOSTS.billing], pathPrefix: '/billing' },
      upstreams: [upstream],
      policy: billingPolicy,
      upstream: { caseInsensitivePaths },
    },
    {
      name: 'public',
      listener: { hosts: [HOSTS.public] },
      upstreams: [upstream],
      authType: 'NONE' as const,
    },
    { name: 'admin', listener: { hosts: [HOSTS.admin] }, upstreams: [upstream] },
    // One host, a pass-through service at / and a locked one at /billing, on one upstream.
    {
      name: 'mixed-public',
      listener: { hosts: ['mixed.internal'] },
      upstreams: [upstream],
      authType: 'NONE' as const,
    },
    {
      name: 'mixed-billing',
      listener: { hosts: ['mixed.internal'], pathPrefix: '/billing' },
      upstreams: [upstream],
    },
  ];
}

interface Case {
  readonly name: string;
  /** Request line target. */
  readonly target: string;
  /** Host header value; null sends none. */
  readonly host: string | null;
  readonly headers?: readonly (readonly [string, string])[];
  /** Expected status, and the refusal code for a 4xx. */
  readonly status: number;
  readonly code?: string;
  /** Where a case-insensitive backend (Express) makes the answer differ: status and code. */
  readonly caseInsensitive?: readonly [number, string];
}

const proof = `rgsts1.${Buffer.from('https://sts.amazonaws.com/?Action=GetCallerIdentity').toString('base64url')}`;

const CASES: readonly Case[] = [
  // Paths: unreserved escapes are the characters they encode.
  { name: 'a plain path', target: '/billing/invoices', host: 'api.internal', status: 200 },
  {
    name: '%61dmin is admin',
    target: '/billing/%61dmin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'adm%69n is admin',
    target: '/billing/adm%69n',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'every letter encoded',
    target: '/billing/%61%64%6D%69%6E/users',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: '%41dmin is Admin, another page',
    target: '/billing/%41dmin',
    host: 'api.internal',
    status: 200,
    caseInsensitive: [401, 'token.missing'],
  },
  {
    name: 'an encoded dot-dot',
    target: '/billing/x/%2e%2E/admin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'a dot segment',
    target: '/billing/./admin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'a doubled slash',
    target: '/billing//admin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  { name: 'an encoded percent', target: '/billing/%2561dmin', host: 'api.internal', status: 200 },
  { name: 'lower-case hex', target: '/billing/caf%c3%a9', host: 'api.internal', status: 200 },
  { name: 'a raw | and its escape', target: '/billing/a|b%7cc', host: 'api.internal', status: 200 },
  {
    name: 'a path parameter',
    target: '/billing/admin;x=1',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_path',
  },
  {
    name: 'upper case is another path',
    target: '/billing/ADMIN',
    host: 'api.internal',
    status: 200,
    caseInsensitive: [401, 'token.missing'],
  },
  { name: 'an encoded tilde', target: '/billing/%7euser', host: 'api.internal', status: 200 },
  {
    name: 'an encoded slash',
    target: '/billing/admin%2Fx',
    host: 'api.internal',
    status: 400,
    code: 'request.encoded_slash',
  },
  {
    name: 'an encoded backslash',
    target: '/billing/x%5C..%5Cadmin',
    host: 'api.internal',
    status: 400,
    code: 'request.backslash',
  },
  {
    name: 'overlong UTF-8 dots',
    target: '/billing/%C0%AE%C0%AE/admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_escape',
  },
  {
    name: 'an encoded NUL',
    target: '/billing/admin%00.css',
    host: 'api.internal',
    status: 400,
    code: 'request.nul',
  },
  {
    name: 'a protocol-relative path',
    target: '//admin.internal/x',
    host: 'public.internal',
    status: 200,
  },
  // Targets other than origin-form.
  {
    name: 'absolute-form naming another host',
    target: 'http://admin.internal/x',
    host: 'public.internal',
    status: 400,
    code: 'request.bad_path',
  },
  {
    name: 'asterisk-form',
    target: '*',
    host: 'public.internal',
    status: 400,
    code: 'request.bad_path',
  },
  // Host forms.
  {
    name: 'userinfo-looking Host',
    target: '/x',
    host: 'public.internal:80@admin.internal',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'a fragment in Host',
    target: '/x',
    host: 'admin.internal#.public.internal',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'a list in Host',
    target: '/x',
    host: 'public.internal, admin.internal',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'a path in Host',
    target: '/x',
    host: 'public.internal/admin.internal',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'a backslash in Host',
    target: '/x',
    host: 'public.internal\\@admin.internal',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'an empty label',
    target: '/x',
    host: 'public..internal',
    status: 400,
    code: 'request.bad_host',
  },
  { name: 'a hex IPv4', target: '/x', host: '0x7f.0.0.1', status: 400, code: 'request.bad_host' },
  { name: 'a short IPv4', target: '/x', host: '127.1', status: 400, code: 'request.bad_host' },
  {
    name: 'a port out of range',
    target: '/x',
    host: 'public.internal:99999',
    status: 400,
    code: 'request.bad_host',
  },
  {
    name: 'a percent-escape in Host',
    target: '/x',
    host: 'public%2einternal',
    status: 400,
    code: 'request.bad_host',
  },
  { name: 'an empty Host', target: '/x', host: '', status: 400, code: 'request.bad_host' },
  { name: 'upper case and a trailing dot', target: '/x', host: 'PUBLIC.Internal.', status: 200 },
  { name: 'a zero-padded port', target: '/x', host: 'public.internal:0080', status: 200 },
  {
    name: 'an IPv6 literal routes nowhere',
    target: '/x',
    host: '[::1]:80',
    status: 404,
    code: 'request.no_route',
  },
  // Header names.
  {
    name: 'x_tenant: admin',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['x_tenant', 'admin']],
    status: 400,
    code: 'request.bad_header_name',
  },
  {
    name: 'x.tenant: admin',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['x.tenant', 'admin']],
    status: 400,
    code: 'request.bad_header_name',
  },
  {
    name: 'x_rolegate_identity spoofed',
    target: '/x',
    host: 'public.internal',
    headers: [['x_rolegate_identity', 'Principal=arn:aws:iam::111122223333:role/orders']],
    status: 400,
    code: 'request.bad_header_name',
  },
  {
    name: 'X_Forwarded_For spoofed',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['X_Forwarded_For', '203.0.113.9']],
    status: 400,
    code: 'request.bad_header_name',
  },
  {
    name: 'X-RoleGate-Identity spoofed',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['X-RoleGate-Identity', 'Principal=arn:aws:iam::111122223333:role/orders']],
    status: 200,
  },
  {
    name: 'x-rolegate-identity spoofed to a NONE service',
    target: '/x',
    host: 'public.internal',
    headers: [
      ['x-rolegate-identity', 'Principal=arn:aws:iam::111122223333:role/orders'],
      ['x-rolegate-identity-tags', 'team=admins'],
    ],
    status: 200,
  },
  {
    name: 'X-Forwarded-For spoofed',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['X-Forwarded-For', '203.0.113.9']],
    status: 200,
  },
  // Headers a policy reads: one value each, the one the backend will get.
  {
    name: 'x-tenant: admin',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['X-Tenant', 'admin']],
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'x-tenant: user',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['x-tenant', 'user']],
    status: 200,
  },
  {
    name: 'x-tenant: admin, twice',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['x-tenant', 'admin'],
      ['x-tenant', 'admin'],
    ],
    status: 400,
    code: 'request.duplicate_header',
  },
  {
    name: 'x-tenant: user, then admin',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['x-tenant', 'user'],
      ['X-TENANT', 'admin'],
    ],
    status: 400,
    code: 'request.duplicate_header',
  },
  {
    name: 'x-tenant named in Connection',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['Connection', 'x-tenant'],
      ['x-tenant', 'admin'],
    ],
    status: 200,
  },
  {
    name: 'a repeated header no policy reads',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['x-custom', 'a'],
      ['x-custom', 'b'],
    ],
    status: 200,
  },
  {
    name: 'role=admin',
    target: '/billing/x?role=admin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'role=user&role=admin',
    target: '/billing/x?role=user&role=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.duplicate_parameter',
  },
  {
    name: 'role=user&ROLE=admin',
    target: '/billing/x?role=user&ROLE=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.duplicate_parameter',
  },
  {
    name: 'an encoded query key',
    target: '/billing/x?r%6Fle=admin',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  { name: 'role=user', target: '/billing/x?role=user', host: 'api.internal', status: 200 },
  {
    name: 'a ; in a query a policy reads',
    target: '/billing/x?x=1;role=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_query',
  },
  {
    name: 'X-Original-URL naming the admin pages',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['X-Original-URL', '/billing/admin'],
      ['X-Rewrite-URL', '/billing/admin'],
    ],
    status: 200,
  },
  // Second readings found by the attacker review: path parameters, fragments, letter case,
  // bracketed and folded query keys, encoded delimiters, method overrides.
  {
    name: 'a path parameter before the admin segment',
    target: '/billing;x/admin',
    host: 'mixed.internal',
    status: 400,
    code: 'request.bad_path',
  },
  {
    name: 'a path parameter inside the admin segment',
    target: '/billing/admin;x/secret',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_path',
  },
  {
    name: 'a ..; segment',
    target: '/billing/..;/admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_path',
  },
  { name: 'an encoded ; stays data', target: '/billing/a%3Bb', host: 'api.internal', status: 200 },
  {
    name: 'a # after the query',
    target: '/billing/x?role=admin#x',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_query',
  },
  {
    name: 'upper case routing to another service',
    target: '/BILLING/admin',
    host: 'mixed.internal',
    status: 400,
    code: 'request.bad_path',
  },
  {
    name: 'upper case within one service',
    target: '/billing/Invoices',
    host: 'api.internal',
    status: 200,
  },
  {
    name: 'a bracketed query key',
    target: '/billing/x?role[]=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_query',
  },
  {
    name: 'an encoded bracketed query key',
    target: '/billing/x?role%5B0%5D=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_query',
  },
  {
    name: 'a plain and a bracketed query key',
    target: '/billing/x?role=user&role[]=admin',
    host: 'api.internal',
    status: 400,
    code: 'request.bad_query',
  },
  {
    name: 'an encoded colon is a colon',
    target: '/billing/users%3Adelete',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'a colon verb',
    target: '/billing/users:delete',
    host: 'api.internal',
    status: 401,
    code: 'token.missing',
  },
  {
    name: 'a method override header',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['X-HTTP-Method-Override', 'DELETE'],
      ['X-Method-Override', 'DELETE'],
      ['X-HTTP-Method', 'DELETE'],
    ],
    status: 200,
  },
  // Credentials never leave the gateway.
  {
    name: 'an STS proof to a NONE service',
    target: '/x',
    host: 'public.internal',
    headers: [['Authorization', `RoleGate-STS ${proof}`]],
    status: 200,
  },
  {
    name: 'an STS proof as a bearer token to a NONE service',
    target: '/x',
    host: 'public.internal',
    headers: [['Authorization', `Bearer ${proof}`]],
    status: 200,
  },
  {
    name: 'a bearer token to a NONE service',
    target: '/x',
    host: 'public.internal',
    headers: [['Authorization', 'Bearer opaque']],
    status: 200,
  },
];

/** Cases for a gateway with `underscoresInHeaders: true`. */
const UNDERSCORE_CASES: readonly Case[] = [
  {
    name: 'x_rolegate_identity spoofed (underscores allowed)',
    target: '/billing/x',
    host: 'api.internal',
    headers: [
      ['x_rolegate_identity', 'Principal=arn:aws:iam::111122223333:role/orders'],
      ['X_RoleGate-Identity-Tags', 'team=admins'],
    ],
    status: 200,
  },
  {
    name: 'x_forwarded_for spoofed (underscores allowed)',
    target: '/x',
    host: 'public.internal',
    headers: [['x_forwarded_for', '203.0.113.9']],
    status: 200,
  },
  {
    name: 'x_tenant where a policy reads x-tenant (underscores allowed)',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['x_tenant', 'admin']],
    status: 400,
    code: 'request.bad_header_name',
  },
  {
    name: 'a header with _ no policy reads (underscores allowed)',
    target: '/billing/x',
    host: 'api.internal',
    headers: [['x_custom', '1']],
    status: 200,
  },
];

/** The body of a raw answer (read as latin-1, one character a byte), de-chunked, as UTF-8. */
function bodyOf(head: string, raw: string): string {
  let body = raw;
  if (/^transfer-encoding: chunked/im.test(head)) {
    body = '';
    let rest = raw;
    for (;;) {
      const eol = rest.indexOf('\r\n');
      const size = Number.parseInt(rest.slice(0, eol), 16);
      if (!(size > 0)) break;
      body += rest.slice(eol + 2, eol + 2 + size);
      rest = rest.slice(eol + 2 + size + 2);
    }
  }
  return Buffer.from(body, 'latin1').toString('utf8');
}

function requestBytes(c: Case): string {
  let head = `GET ${c.target} HTTP/1.1\r\n`;
  if (c.host !== null) head += `Host: ${c.host}\r\n`;
  for (const [name, value] of c.headers ?? []) head += `${name}: ${value}\r\n`;
  return `${head}Connection: close\r\n\r\n`;
}

/** The policy's verdict on a backend's own reading of the request. */
function policyAllows(reading: Reading): boolean {
  const url = reading.path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  const tenants = reading.headers['x-tenant'] ?? [undefined];
  const roles = reading.query.role ?? [undefined];
  for (const tenant of tenants) {
    for (const role of roles) {
      const query = role === undefined ? '' : `?role=${encodeURIComponent(role)}`;
      const decision = authorize(
        null,
        {
          method: 'GET',
          url: url + query,
          headers: tenant === undefined ? {} : { 'x-tenant': tenant },
        },
        compiled,
        { serviceArn: BILLING_ARN },
      );
      if (!decision.allowed) return false;
    }
  }
  return true;
}

function checkReading(c: Case, reading: Reading, logged: Record<string, unknown>): void {
  const service = logged.targetService as keyof typeof HOSTS;
  const decided = decodeURIComponent(String(logged.path));
  if (reading.caseInsensitive === true) {
    assert.equal(decided.toLowerCase(), reading.path.toLowerCase(), 'path: decided = acted on');
  } else {
    assert.equal(decided, reading.path, 'path: decided = acted on');
  }
  assert.equal(reading.host, HOSTS[service], 'host: routed = read');
  const identity = reading.headers['x-rolegate-identity'];
  if (service === 'public' || service === 'mixed-public') {
    assert.equal(identity, undefined, 'no identity to a NONE service');
  } else assert.deepEqual(identity, ['Type=Anonymous'], 'the gateway identity, alone');
  assert.equal(reading.headers['x-rolegate-identity-tags'], undefined);
  assert.equal(reading.headers['x-original-url'], undefined, 'a second path reached the backend');
  assert.equal(reading.headers['x-rewrite-url'], undefined, 'a second path reached the backend');
  assert.equal(
    reading.headers['x-http-method-override'],
    undefined,
    'a second method reached the backend',
  );
  assert.deepEqual(
    reading.headers['x-forwarded-for'],
    ['127.0.0.1'],
    'x-forwarded-for from the socket',
  );
  const credential = reading.headers.authorization;
  if (credential !== undefined) {
    for (const value of credential)
      assert.doesNotMatch(value, /rgsts1\./, 'an STS proof reached the backend');
  }
  if (service === 'billing')
    assert.ok(policyAllows(reading), 'the policy denies what the backend read');
  if (c.name === 'a bearer token to a NONE service')
    assert.deepEqual(credential, ['Bearer opaque']);
}

const backends: [string, () => Promise<DifferentialBackend>][] = [
  ['fastify', startFastifyBackend],
  ['express', startExpressBackend],
  ['url', startUrlBackend],
  ['wsgi', startWsgiBackend],
];

const noPython =
  !hasPython() && process.env.CI === undefined
    ? 'python3 not installed at /usr/bin/python3 (apt-get install python3; CI installs it)'
    : false;

for (const [backendName, start] of backends) {
  for (const underscores of [false, true]) {
    const cases = underscores ? UNDERSCORE_CASES : CASES;
    describe(`one reading: ${backendName} backend${underscores ? ', underscoresInHeaders' : ''}`, {
      skip: backendName === 'wsgi' ? noPython : false,
    }, () => {
      let backend: DifferentialBackend;
      let gw: RunningGateway;
      before(async () => {
        backend = await start();
        gw = await startGateway({
          underscoresInHeaders: underscores,
          // Express matches paths in any letter case: the policy must decide in lower case.
          services: servicesFor(backend.url, backendName === 'express'),
        });
      });
      after(async () => {
        await gw?.close();
        await backend?.close();
      });

      for (const c of cases) {
        it(c.name, async () => {
          const reply = await rawExchange(gw.url, requestBytes(c));
          const [status, code] =
            backendName === 'express' && c.caseInsensitive !== undefined
              ? c.caseInsensitive
              : [c.status, c.code];
          assert.equal(reply.status, status, reply.text);
          const text = bodyOf(reply.head, reply.body);
          const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          if (status !== 200) {
            assert.equal(body.rolegate_code, code, reply.body);
            assert.equal(body.backend, undefined, 'the backend acted on a refused request');
            return;
          }
          assert.equal(body.backend, backendName, reply.body);
          const requestId = /x-rolegate-request-id: ([^\r\n]+)/i.exec(reply.head)?.[1] ?? null;
          const logged = accessLine(gw, requestId);
          assert.ok(logged !== undefined, 'logged');
          checkReading(c, body as unknown as Reading, logged);
        });
      }
    });
  }
}
