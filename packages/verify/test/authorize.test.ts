// authorize(): the request context of docs/specs/policy.md, Lattice policies pasted unchanged, tiers,
// explanations, and path refusals before any policy runs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CompiledPolicy, compilePolicy } from '@rolegate/policy';
import {
  authorize,
  createAuthorizer,
  createVerifier,
  type HttpRequestInfo,
  type Principal,
} from '../src/index.ts';
import {
  AUDIENCE,
  fakeClock,
  ISSUER,
  makeKey,
  NOW,
  rolegateClaims,
  signed,
} from './support/keys.ts';

const SVC = 'arn:aws:vpc-lattice:us-west-2:123456789012:service/svc-0123456789abcdef0';

// The Lattice service policy from the README, unchanged.
const latticePolicy = compilePolicy(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::123456789012:role/rates-client'] },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: [`${SVC}/*`],
        Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
      },
    ],
  }),
  { name: 'service.json' },
);

const policy = (statements: object[]) =>
  compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }));

const get = (url: string, extra: Partial<HttpRequestInfo> = {}): HttpRequestInfo => ({
  method: 'GET',
  url,
  headers: { host: 'rates.example', 'user-agent': 'test', authorization: 'Bearer secret' },
  sourceIp: '::ffff:10.1.2.3',
  secure: true,
  port: 443,
  ...extra,
});

describe('authorize', () => {
  let ratesClient: Principal;
  let orders: Principal;
  const clock = fakeClock();

  before(async () => {
    const key = await makeKey();
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      now: clock.now,
    });
    const session = (role: string, account: string, tags: Record<string, string> = {}) =>
      signed(
        key,
        rolegateClaims({
          sub: `arn:aws:iam::${account}:role/${role}`,
          rolegate: {
            v: 1,
            method: 'aws-sts',
            principal_type: 'AssumedRole',
            account,
            partition: 'aws',
            session_arn: `arn:aws:sts::${account}:assumed-role/${role}/s-1`,
            session_name: 's-1',
            user_id: 'AROAEXAMPLEEXAMPLE01:s-1',
            tags,
          },
        }),
      ).then((t) => verifier.verify(t));
    ratesClient = await session('rates-client', '123456789012', {
      team: 'rates',
      'x509SAN/URI': 'spiffe://example.org/rates',
    });
    orders = await verifier.verify(await signed(key));
  });

  // A second tier that allows everything and reads headers and query strings, so the context
  // carries them (only keys some policy reads are copied from the request: see below).
  const readsHeadersAndQuery = policy([
    {
      Effect: 'Allow',
      Principal: '*',
      Action: '*',
      Resource: '*',
      Condition: {
        StringLikeIfExists: {
          'vpc-lattice-svcs:RequestHeader/Host': '*',
          'vpc-lattice-svcs:RequestHeader/user-agent': '*',
          'vpc-lattice-svcs:RequestHeader/authorization': '*',
        },
        'ForAllValues:StringLike': { 'vpc-lattice-svcs:RequestQueryString/currency': '*' },
      },
    },
  ]);

  it('builds the Lattice and aws: context keys', () => {
    const result = authorize(
      ratesClient,
      get('/v1/../rates?currency=EUR&currency=USD&x='),
      [latticePolicy, readsHeadersAndQuery],
      {
        serviceArn: SVC,
        serviceNetworkArn: 'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-1',
        orgIds: { '123456789012': 'o-a1b2c3d4e5' },
        now: clock.now,
      },
    );
    assert.equal(result.decision, 'Allow');
    assert.equal(result.allowed, true);
    assert.equal(result.path, '/rates');
    assert.deepEqual(result.request, {
      principal: {
        arn: 'arn:aws:sts::123456789012:assumed-role/rates-client/s-1',
        account: '123456789012',
        tags: { team: 'rates', 'x509SAN/URI': 'spiffe://example.org/rates' },
      },
      action: 'vpc-lattice-svcs:Invoke',
      resource: `${SVC}/rates`,
      context: {
        'vpc-lattice-svcs:RequestMethod': 'GET',
        'vpc-lattice-svcs:RequestPath': '/rates',
        'vpc-lattice-svcs:ServiceArn': SVC,
        'vpc-lattice-svcs:ServiceNetworkArn':
          'arn:aws:vpc-lattice:us-west-2:123456789012:servicenetwork/sn-1',
        'vpc-lattice-svcs:Port': '443',
        'vpc-lattice-svcs:RequestHeader/host': 'rates.example',
        'vpc-lattice-svcs:RequestHeader/user-agent': 'test',
        'vpc-lattice-svcs:RequestQueryString/currency': ['EUR', 'USD'],
        'vpc-lattice-svcs:RequestQueryString/x': '',
        'aws:PrincipalType': 'AssumedRole',
        'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/rates-client',
        'aws:PrincipalAccount': '123456789012',
        'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
        'aws:PrincipalTag/team': 'rates',
        'aws:PrincipalTag/x509SAN/URI': 'spiffe://example.org/rates',
        'aws:userid': 'AROAEXAMPLEEXAMPLE01:s-1',
        'rolegate:SessionName': 's-1',
        'aws:SourceIp': '10.1.2.3',
        'aws:SecureTransport': true,
        'aws:CurrentTime': '2030-01-01T00:00:00Z',
        'aws:EpochTime': NOW,
      },
    });
  });

  it('copies only the headers and query strings a policy reads; the rest of the context always', () => {
    const request = get('/rates?currency=EUR&x=1', {
      headers: { host: 'rates.example', 'user-agent': 'test', 'x-tenant': 'acme' },
    });
    const keys = (policies: CompiledPolicy | CompiledPolicy[]) =>
      Object.keys(authorize(ratesClient, request, policies, { serviceArn: SVC }).request.context!);
    const requestKeys = (list: string[]) =>
      list.filter((k) => /Request(Header|QueryString)\//.test(k));
    const fixed = keys(latticePolicy).filter((k) => !requestKeys([k]).length);
    assert.deepEqual(requestKeys(keys(latticePolicy)), []);
    assert.ok(
      fixed.includes('aws:SourceIp') && fixed.includes('aws:PrincipalTag/team'),
      'the rest stays',
    );
    const tenant = policy([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'VPC-Lattice-Svcs:RequestHeader/X-Tenant': 'acme' } },
      },
    ]);
    assert.deepEqual(requestKeys(keys(tenant)), ['vpc-lattice-svcs:RequestHeader/x-tenant']);
    assert.equal(authorize(ratesClient, request, tenant, { serviceArn: SVC }).decision, 'Allow');
    // A header name spelled in another case by hand-made request info is still that header, and
    // the credential never: a Deny on it cannot be dodged, nor Authorization read.
    const denyEvil = policy([
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'vpc-lattice-svcs:RequestHeader/x-tenant': 'evil' } },
      },
    ]);
    const shouting = get('/rates', { headers: { 'X-Tenant': 'evil', Authorization: 'Bearer s' } });
    const decided = authorize(ratesClient, shouting, [denyEvil, readsHeadersAndQuery], {
      serviceArn: SVC,
    });
    assert.equal(decided.decision, 'ExplicitDeny');
    assert.deepEqual(requestKeys(Object.keys(decided.request.context!)), [
      'vpc-lattice-svcs:RequestHeader/X-Tenant',
    ]);
    // Either tier's keys count; a query-string key brings every query string.
    assert.deepEqual(requestKeys(keys([latticePolicy, readsHeadersAndQuery])), [
      'vpc-lattice-svcs:RequestHeader/host',
      'vpc-lattice-svcs:RequestHeader/user-agent',
      'vpc-lattice-svcs:RequestQueryString/currency',
      'vpc-lattice-svcs:RequestQueryString/x',
    ]);
    // A policy made by hand does not list its keys: it gets every header and query string.
    const handMade: CompiledPolicy = {
      size: 1,
      evaluate: () => 'Allow',
      explain: () => ({ decision: 'Allow', matched: [], statements: [] }),
    };
    assert.deepEqual(requestKeys(keys(handMade)), [
      'vpc-lattice-svcs:RequestHeader/host',
      'vpc-lattice-svcs:RequestHeader/user-agent',
      'vpc-lattice-svcs:RequestHeader/x-tenant',
      'vpc-lattice-svcs:RequestQueryString/currency',
      'vpc-lattice-svcs:RequestQueryString/x',
    ]);
  });

  it('decides a pasted Lattice policy and explains a denial', () => {
    const options = { serviceArn: SVC };
    assert.equal(authorize(ratesClient, get('/rates'), latticePolicy, options).decision, 'Allow');
    const post = authorize(ratesClient, get('/rates', { method: 'POST' }), latticePolicy, options);
    assert.equal(post.decision, 'ImplicitDeny');
    const why = post.explain();
    assert.equal(why.decision, 'ImplicitDeny');
    assert.equal(why.tiers[0]?.statements[0]?.failed?.element, 'Condition');
    assert.equal(why.tiers[0]?.statements[0]?.failed?.key, 'vpc-lattice-svcs:RequestMethod');
    assert.equal(authorize(orders, get('/rates'), latticePolicy, options).decision, 'ImplicitDeny');
    assert.equal(authorize(null, get('/rates'), latticePolicy, options).decision, 'ImplicitDeny');
  });

  it('always sets aws:PrincipalType, Anonymous without a token, so a guard against it works', () => {
    const p = policy([
      { Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } },
      },
    ]);
    const anonymous = authorize(null, get('/x'), p);
    assert.equal(anonymous.request.context?.['aws:PrincipalType'], 'Anonymous');
    assert.equal(anonymous.request.principal, null);
    assert.equal(anonymous.decision, 'ExplicitDeny');
    assert.equal(authorize(orders, get('/x'), p).decision, 'Allow');
  });

  it('uses arn:rolegate:lattice:::service/<name> by default', () => {
    const r = authorize(
      orders,
      get('/a'),
      policy([
        {
          Effect: 'Allow',
          Principal: '*',
          Action: '*',
          Resource: 'arn:rolegate:lattice:::service/billing/*',
        },
      ]),
      { serviceName: 'billing' },
    );
    assert.equal(r.request.resource, 'arn:rolegate:lattice:::service/billing/a');
    assert.equal(r.decision, 'Allow');
    assert.equal(
      authorize(
        orders,
        get('/a'),
        policy([
          {
            Effect: 'Allow',
            Principal: '*',
            Action: '*',
            Resource: 'arn:rolegate:lattice:::service/default/*',
          },
        ]),
      ).decision,
      'Allow',
    );
  });

  it('matches a role for any session, a session ARN for that session only', () => {
    const role = policy([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
        Action: '*',
        Resource: '*',
      },
    ]);
    const session = policy([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:sts::111122223333:assumed-role/orders/orders-1' },
        Action: '*',
        Resource: '*',
      },
    ]);
    const otherSession = policy([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:sts::111122223333:assumed-role/orders/orders-2' },
        Action: '*',
        Resource: '*',
      },
    ]);
    assert.equal(authorize(orders, get('/'), role).decision, 'Allow');
    assert.equal(authorize(orders, get('/'), session).decision, 'Allow');
    assert.equal(authorize(orders, get('/'), otherSession).decision, 'ImplicitDeny');
  });

  it('evaluates tiers: each must allow, an explicit deny anywhere wins', () => {
    const allowAll = policy([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]);
    const denyAdmin = policy([
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*/admin/*' },
    ]);
    const nothing = policy([
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*/only/*' },
    ]);
    assert.equal(
      authorize(orders, get('/admin/x'), [allowAll, denyAdmin]).decision,
      'ExplicitDeny',
    );
    assert.equal(
      authorize(orders, get('/public/../admin/x'), [allowAll, denyAdmin]).decision,
      'ExplicitDeny',
    );
    assert.equal(authorize(orders, get('/x'), [allowAll, denyAdmin]).decision, 'Allow');
    const r = authorize(orders, get('/x'), [allowAll, nothing]);
    assert.equal(r.decision, 'ImplicitDeny');
    assert.equal(r.explain().decidingTier, 1);
  });

  it('feeds tags, headers, query values and the source address to conditions', () => {
    const p = policy([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: `${SVC}/teams/\${aws:PrincipalTag/team}/*`,
        Condition: {
          StringEquals: { 'vpc-lattice-svcs:RequestHeader/x-tenant': 'acme' },
          'ForAnyValue:StringEquals': { 'vpc-lattice-svcs:RequestQueryString/view': 'summary' },
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
        },
      },
    ]);
    const ok = get('/teams/rates/report?view=full&view=summary', {
      headers: { 'x-tenant': 'acme' },
    });
    assert.equal(authorize(ratesClient, ok, p, { serviceArn: SVC }).decision, 'Allow');
    assert.equal(
      authorize(ratesClient, { ...ok, url: '/teams/payments/report?view=summary' }, p, {
        serviceArn: SVC,
      }).decision,
      'ImplicitDeny',
    );
    assert.equal(
      authorize(ratesClient, { ...ok, sourceIp: '192.0.2.1' }, p, { serviceArn: SVC }).decision,
      'ImplicitDeny',
    );
    assert.equal(
      authorize(ratesClient, { ...ok, headers: {} }, p, { serviceArn: SVC }).decision,
      'ImplicitDeny',
    );
  });

  it('never puts the Authorization header in the context', () => {
    const r = authorize(orders, get('/'), latticePolicy);
    const keys = Object.keys(r.request.context ?? {}).map((k) => k.toLowerCase());
    assert.ok(!keys.some((k) => k.includes('authorization')));
    assert.ok(!JSON.stringify(r.request).includes('secret'));
  });

  it('refuses a bad path with 400 before any policy runs', () => {
    let calls = 0;
    const spy = {
      evaluate: () => {
        calls++;
        return 'Allow' as const;
      },
      explain: () => assert.fail('not explained'),
    } as unknown as CompiledPolicy;
    const authorizer = createAuthorizer(spy);
    for (const [url, code] of [
      ['/a%2Fb', 'request.encoded_slash'],
      ['/a\\b', 'request.backslash'],
      ['/a%00', 'request.nul'],
      ['/a%zz', 'request.bad_escape'],
    ] as const) {
      assert.throws(() => authorizer.authorize(orders, get(url)), { code, status: 400 });
    }
    assert.equal(calls, 0);
    authorizer.authorize(orders, get('/ok'));
    assert.equal(calls, 1);
  });

  it('refuses misuse with TypeError when built', () => {
    assert.throws(() => createAuthorizer([]), TypeError);
    assert.throws(() => createAuthorizer({} as CompiledPolicy), TypeError);
    assert.throws(() => createAuthorizer(latticePolicy, { serviceArn: '' }), TypeError);
    assert.throws(
      () => createAuthorizer(latticePolicy, { orgIds: 'o-1' as unknown as Record<string, string> }),
      TypeError,
    );
  });
});
