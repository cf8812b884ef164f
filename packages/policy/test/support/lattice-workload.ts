// A typical Lattice auth policy (10 statements: string, ARN and IP conditions, a policy variable),
// a padded variant just under 10 KB, and requests covering each statement. Shared by the
// benchmark (bench/policy.bench.ts, which also renders the statements as Cedar for its anchor)
// and by workload.test.ts, which pins the decisions.

import type { JsonValue, PolicyRequest } from '../../src/index.ts';

export const SVC = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0';

export type Cond =
  | { kind: 'anonymous' }
  | { kind: 'method'; values: string[] }
  | { kind: 'ip'; cidrs: string[]; negated: boolean }
  | { kind: 'tag'; key: string; value: string; like: boolean }
  | { kind: 'org'; value: string }
  | { kind: 'arnLike'; pattern: string }
  | { kind: 'teamVariable' };

export interface Spec {
  sid: string;
  effect: 'Allow' | 'Deny';
  principal: '*' | { role: string } | { account: string };
  resource: string;
  conditions: Cond[];
}

export function typicalSpecs(): Spec[] {
  const allow = (
    sid: string,
    resource: string,
    conditions: Cond[],
    principal: Spec['principal'] = '*',
  ): Spec => ({
    sid,
    effect: 'Allow',
    principal,
    resource,
    conditions,
  });
  return [
    {
      sid: 'DenyAnonymous',
      effect: 'Deny',
      principal: '*',
      resource: '*',
      conditions: [{ kind: 'anonymous' }],
    },
    {
      sid: 'DenyAdminOutside',
      effect: 'Deny',
      principal: '*',
      resource: `${SVC}/admin/*`,
      conditions: [{ kind: 'ip', cidrs: ['10.0.0.0/8', '203.0.113.0/24'], negated: true }],
    },
    allow('Health', `${SVC}/health`, []),
    allow('Billing', `${SVC}/invoices/*`, [], { role: 'arn:aws:iam::444455556666:role/billing' }),
    allow('OwnTeam', `${SVC}/teams/*`, [{ kind: 'teamVariable' }]),
    allow('ReadOnly', `${SVC}/*`, [{ kind: 'method', values: ['GET', 'HEAD'] }], {
      account: '444455556666',
    }),
    allow('Org', `${SVC}/shared/*`, [{ kind: 'org', value: 'o-a1b2c3d4e5' }]),
    allow('Spiffe', `${SVC}/*`, [
      { kind: 'tag', key: 'x509SAN/URI', value: 'spiffe://example.org/ns/payments/*', like: true },
    ]),
    allow('Rates', `${SVC}/rates`, [{ kind: 'arnLike', pattern: 'arn:aws:iam::*:role/rates-*' }]),
    allow('Writers', `${SVC}/*`, [
      { kind: 'tag', key: 'role', value: 'writer', like: false },
      { kind: 'ip', cidrs: ['203.0.113.0/24', '2001:db8::/32'], negated: false },
    ]),
  ];
}

/** Pads the typical statements with per-path grants until the IAM form is just under 10 KB. */
export function largeSpecs(): Spec[] {
  const specs = typicalSpecs();
  for (let i = 0; ; i++) {
    const next: Spec = {
      sid: `Path${i}`,
      effect: 'Allow',
      principal: { role: `arn:aws:iam::444455556666:role/app-${i}` },
      resource: `${SVC}/p${i}/*`,
      conditions: [
        { kind: 'method', values: ['GET', 'POST'] },
        { kind: 'ip', cidrs: [`10.${i}.0.0/16`], negated: false },
      ],
    };
    if (JSON.stringify(toIam([...specs, next])).length > 10_000) return specs;
    specs.push(next);
  }
}

function iamCondition(conds: Cond[]): Record<string, Record<string, JsonValue>> | undefined {
  const out: Record<string, Record<string, JsonValue>> = {};
  const put = (op: string, key: string, value: JsonValue) => {
    out[op] = { ...out[op], [key]: value };
  };
  for (const c of conds) {
    if (c.kind === 'anonymous') put('StringEquals', 'aws:PrincipalType', 'Anonymous');
    if (c.kind === 'method') put('StringEquals', 'vpc-lattice-svcs:RequestMethod', c.values);
    if (c.kind === 'ip') put(c.negated ? 'NotIpAddress' : 'IpAddress', 'aws:SourceIp', c.cidrs);
    if (c.kind === 'tag')
      put(c.like ? 'StringLike' : 'StringEquals', `aws:PrincipalTag/${c.key}`, c.value);
    if (c.kind === 'org') put('StringEquals', 'aws:PrincipalOrgID', c.value);
    if (c.kind === 'arnLike') put('ArnLike', 'aws:PrincipalArn', c.pattern);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export function toIam(specs: Spec[]): JsonValue {
  return {
    Version: '2012-10-17',
    Statement: specs.map((s) => {
      const principal =
        s.principal === '*'
          ? '*'
          : { AWS: 'role' in s.principal ? s.principal.role : s.principal.account };
      const resource = s.conditions.some((c) => c.kind === 'teamVariable')
        ? `${SVC}/teams/\${aws:PrincipalTag/team}/*`
        : s.resource;
      const condition = iamCondition(s.conditions);
      return {
        Sid: s.sid,
        Effect: s.effect,
        Principal: principal,
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: resource,
        ...(condition === undefined ? {} : { Condition: condition }),
      };
    }),
  };
}

function makeRequest(
  arn: string | null,
  method: string,
  path: string,
  ip: string,
  tags: Record<string, string> = {},
  extra: Record<string, string> = {},
): PolicyRequest {
  const session = arn?.match(/^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//);
  const account = session?.[1];
  const roleArn = session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : undefined;
  const context: Record<string, string> = {
    'aws:PrincipalType': arn === null ? 'Anonymous' : 'AssumedRole',
    'aws:SourceIp': ip,
    'vpc-lattice-svcs:RequestMethod': method,
    'vpc-lattice-svcs:RequestPath': path,
    'vpc-lattice-svcs:Port': '443',
    'vpc-lattice-svcs:ServiceArn': SVC,
    'aws:CurrentTime': '2025-06-01T12:00:00Z',
    ...extra,
  };
  if (roleArn !== undefined && account !== undefined) {
    context['aws:PrincipalArn'] = roleArn;
    context['aws:PrincipalAccount'] = account;
  }
  for (const [k, v] of Object.entries(tags)) context[`aws:PrincipalTag/${k}`] = v;
  return {
    principal: arn === null ? null : { arn, account, tags },
    action: 'vpc-lattice-svcs:Invoke',
    resource: SVC + path,
    context,
  };
}

export const REQUESTS: PolicyRequest[] = [
  makeRequest(
    'arn:aws:sts::444455556666:assumed-role/orders-api/i-1',
    'GET',
    '/orders/42',
    '203.0.113.7',
    { team: 'payments' },
  ),
  makeRequest(
    'arn:aws:sts::444455556666:assumed-role/orders-api/i-1',
    'POST',
    '/orders/42',
    '203.0.113.7',
    { team: 'payments' },
  ),
  makeRequest(
    'arn:aws:sts::444455556666:assumed-role/billing/s',
    'POST',
    '/invoices/7',
    '10.1.2.3',
  ),
  makeRequest(null, 'GET', '/health', '198.51.100.9'),
  makeRequest(
    'arn:aws:sts::777788889999:assumed-role/team-app/s',
    'PUT',
    '/teams/payments/ledger',
    '198.51.100.9',
    { team: 'payments' },
  ),
  makeRequest(
    'arn:aws:sts::444455556666:assumed-role/ops/s',
    'GET',
    '/admin/users',
    '198.51.100.9',
  ),
  makeRequest(
    'arn:aws:sts::777788889999:assumed-role/workload/w',
    'POST',
    '/orders',
    '2001:db8::7',
    { 'x509SAN/URI': 'spiffe://example.org/ns/payments/sa/api' },
  ),
  makeRequest(
    'arn:aws:sts::777788889999:assumed-role/rates-reader/r',
    'POST',
    '/rates',
    '198.51.100.9',
    {},
    { 'aws:PrincipalOrgID': 'o-zzz' },
  ),
];
