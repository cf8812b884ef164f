// fast-check: a policy written only with constructs the IAM User Guide documents decides every
// request the same after any rewrite AWS says changes nothing —
//   - statement order ("An explicit deny in any policy overrides any allows": no order);
//   - the order of Action, Resource, principal and condition-value lists (values of a key OR);
//   - the order of operators and of keys under an operator in a Condition (they AND);
//   - one value alone or in a one-element list ("If the element takes an array … but only one
//     value is included, the brackets are optional");
//   - numbers and booleans quoted or not ("Quotation marks are optional for numeric and Boolean
//     values");
//   - the case of condition key names ("Condition key names are not case-sensitive"), of policy
//     variable names ("Key names are case-insensitive") and of actions ("The prefix and the action
//     name are case insensitive").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicy, type JsonValue, type PolicyRequest } from '../src/index.ts';
import { BASE_REQUEST } from './support/cases.ts';

type Scalar = string | number | boolean;

/** One condition: operator, key as canonically written, values. */
interface ConditionSpec {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly Scalar[];
}

interface StatementSpec {
  readonly effect: 'Allow' | 'Deny';
  /** `'*'`, or the `AWS` entries; `not` only with Deny, the one way AWS supports NotPrincipal. */
  readonly principal: '*' | readonly string[];
  readonly notPrincipal: boolean;
  readonly actions: readonly string[];
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly notResource: boolean;
  readonly conditions: readonly ConditionSpec[];
}

const SVC = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0';

const ACTIONS = ['*', 'vpc-lattice-svcs:*', 'vpc-lattice-svcs:Invoke', 'vpc-lattice-svcs:Inv?ke'];
const RESOURCES = [
  '*',
  `${SVC}/*`,
  `${SVC}/rates`,
  `${SVC}/admin/*`,
  'arn:aws:vpc-lattice:us-west-2:*',
  'arn:aws:vpc-lattice:*:111122223333:service/*/rates',
  `${SVC}/teams/\${aws:PrincipalTag/team}/*`,
];
const PRINCIPALS = [
  '444455556666',
  'arn:aws:iam::444455556666:root',
  'arn:aws:iam::444455556666:role/orders-api',
  'arn:aws:sts::444455556666:assumed-role/orders-api/i-0abc123',
  '111122223333',
];
const CONDITIONS: readonly ConditionSpec[] = [
  { operator: 'StringEquals', key: 'vpc-lattice-svcs:RequestMethod', values: ['GET', 'HEAD'] },
  { operator: 'StringNotEquals', key: 'aws:PrincipalType', values: ['Anonymous'] },
  { operator: 'StringLike', key: 'vpc-lattice-svcs:RequestPath', values: ['/ra*', '/admin/*'] },
  {
    operator: 'StringEqualsIgnoreCase',
    key: 'vpc-lattice-svcs:RequestHeader/x-team',
    values: ['PAYMENTS'],
  },
  {
    operator: 'StringEquals',
    key: 'vpc-lattice-svcs:RequestHeader/x-team',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
    values: ['${aws:PrincipalTag/team}'],
  },
  { operator: 'StringEqualsIfExists', key: 'aws:PrincipalOrgID', values: ['o-123456example'] },
  { operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24', '2001:db8::/32'] },
  { operator: 'NotIpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'] },
  { operator: 'NumericLessThan', key: 'vpc-lattice-svcs:Port', values: [1024, 8443] },
  { operator: 'DateGreaterThan', key: 'aws:CurrentTime', values: ['2025-01-01T00:00:00Z'] },
  { operator: 'Bool', key: 'aws:SecureTransport', values: [true] },
  { operator: 'Null', key: 'aws:PrincipalOrgID', values: [true] },
  { operator: 'ArnLike', key: 'aws:PrincipalArn', values: ['arn:aws:iam::*:role/orders-*'] },
  {
    operator: 'ArnNotEquals',
    key: 'aws:PrincipalArn',
    values: ['arn:aws:iam::444455556666:role/admin'],
  },
  {
    operator: 'ForAnyValue:StringEquals',
    key: 'vpc-lattice-svcs:RequestQueryString/mode',
    values: ['fast', 'debug'],
  },
  {
    operator: 'ForAllValues:StringLike',
    key: 'vpc-lattice-svcs:RequestQueryString/mode',
    values: ['f*', 's*'],
  },
];

const subset = <T>(pool: readonly T[]) =>
  fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 });

const statementArb: fc.Arbitrary<StatementSpec> = fc
  .record({
    effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
    principal: fc.oneof(fc.constant<'*'>('*'), subset(PRINCIPALS)),
    notPrincipal: fc.boolean(),
    actions: subset(ACTIONS),
    notAction: fc.boolean(),
    resources: subset(RESOURCES),
    notResource: fc.boolean(),
    conditions: fc.uniqueArray(fc.constantFrom(...CONDITIONS), {
      maxLength: 3,
      // Two conditions on one key under one operator cannot both be written in one object.
      selector: (c) => `${c.operator}\u0000${c.key.toLowerCase()}`,
    }),
  })
  .map((s) => ({
    ...s,
    notPrincipal: s.notPrincipal && s.effect === 'Deny' && s.principal !== '*',
  }));

const requestArb: fc.Arbitrary<PolicyRequest> = fc
  .record({
    principal: fc.constantFrom(
      BASE_REQUEST.principal,
      null,
      { arn: 'arn:aws:iam::111122223333:role/orders-admin' },
      { arn: 'arn:aws:iam::444455556666:root' },
    ),
    resource: fc.constantFrom(
      BASE_REQUEST.resource,
      `${SVC}/admin/users`,
      `${SVC}/teams/payments/ledger`,
      'arn:aws:vpc-lattice:eu-west-1:111122223333:service/svc-1/rates',
    ),
    method: fc.constantFrom('GET', 'POST'),
    path: fc.constantFrom('/rates', '/admin/users', '/teams/payments/ledger'),
    ip: fc.constantFrom('203.0.113.7', '10.0.0.1', '2001:db8::5'),
    port: fc.constantFrom(443, '8443', 9000),
    mode: fc.constantFrom<string[] | undefined>(undefined, [], ['fast'], ['slow', 'fast']),
    org: fc.constantFrom<string | undefined>(undefined, 'o-123456example', 'o-other'),
    secure: fc.constantFrom('true', 'false'),
  })
  .map((r) => {
    const context: Record<string, JsonValue> = {
      ...(BASE_REQUEST.context as unknown as Record<string, JsonValue>),
      'aws:PrincipalArn': r.principal === null ? null : (r.principal.arn ?? null),
      'aws:PrincipalType': r.principal === null ? 'Anonymous' : 'AssumedRole',
      'vpc-lattice-svcs:RequestMethod': r.method,
      'vpc-lattice-svcs:RequestPath': r.path,
      'aws:SourceIp': r.ip,
      'vpc-lattice-svcs:Port': r.port,
      'vpc-lattice-svcs:RequestQueryString/mode': r.mode ?? null,
      'aws:PrincipalOrgID': r.org ?? null,
      'aws:SecureTransport': r.secure,
    };
    for (const [k, v] of Object.entries(context)) if (v === null) delete context[k];
    return {
      principal: r.principal,
      action: 'vpc-lattice-svcs:Invoke',
      resource: r.resource,
      context,
    } as PolicyRequest;
  });

/** Choices for one rewrite, drawn from a stream of numbers. */
class Choices {
  constructor(private readonly stream: fc.Stream<number>) {}

  next(n: number): number {
    return this.stream.next().value % n;
  }

  flip(): boolean {
    return this.next(2) === 1;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.next(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Upper- or lower-cases each letter at random. */
  recase(text: string): string {
    let out = '';
    for (const ch of text) out += this.flip() ? ch.toUpperCase() : ch.toLowerCase();
    return out;
  }
}

/** The canonical rendering: lists stay lists, names as written, document order. */
const IDENTITY = {
  next: () => 0,
  flip: () => false,
  shuffle: <T>(items: readonly T[]) => [...items],
  recase: (text: string) => text,
} as unknown as Choices;

function list(values: readonly JsonValue[], c: Choices): JsonValue {
  const items = c.shuffle(values);
  return items.length === 1 && c.flip() ? items[0]! : items;
}

/** A value with the key of each `${…}` variable re-cased (defaults and escapes untouched). */
function recaseVariables(value: string, c: Choices): string {
  return value.replace(/\$\{([^},']+)/g, (_, key: string) =>
    key.length === 1 ? `\${${key}` : `\${${c.recase(key)}`,
  );
}

function renderValue(v: Scalar, c: Choices): JsonValue {
  if (typeof v === 'string') return recaseVariables(v, c);
  return c.flip() ? String(v) : v;
}

function renderStatement(s: StatementSpec, c: Choices): JsonValue {
  const out: Record<string, JsonValue> = { Effect: s.effect };
  const principal = s.principal === '*' ? '*' : { AWS: list(s.principal, c) };
  out[s.notPrincipal ? 'NotPrincipal' : 'Principal'] = principal;
  out[s.notAction ? 'NotAction' : 'Action'] = list(
    s.actions.map((a) => c.recase(a)),
    c,
  );
  out[s.notResource ? 'NotResource' : 'Resource'] = list(
    s.resources.map((r) => recaseVariables(r, c)),
    c,
  );
  if (s.conditions.length > 0) {
    const block: Record<string, Record<string, JsonValue>> = {};
    for (const cond of c.shuffle(s.conditions)) {
      block[cond.operator] ??= {};
      block[cond.operator]![c.recase(cond.key)] = list(
        cond.values.map((v) => renderValue(v, c)),
        c,
      );
    }
    out['Condition'] = Object.fromEntries(
      c
        .shuffle(Object.entries(block))
        .map(([op, keys]) => [op, Object.fromEntries(c.shuffle(Object.entries(keys)))]),
    );
  }
  // Element order inside a statement: "Blocks can appear in any order."
  return Object.fromEntries(c.shuffle(Object.entries(out)));
}

function render(statements: readonly StatementSpec[], c: Choices): JsonValue {
  return {
    Version: '2012-10-17',
    Statement: c.shuffle(statements).map((s) => renderStatement(s, c)),
  };
}

describe('rewrites AWS calls equivalent', () => {
  it('never change a decision', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 6 }),
        fc.array(requestArb, { minLength: 1, maxLength: 4 }),
        fc.infiniteStream(fc.nat()),
        (statements, requests, stream) => {
          const canonical = compilePolicy(render(statements, IDENTITY));
          const rewritten = compilePolicy(render(statements, new Choices(stream)));
          for (const request of requests) {
            const decision = canonical.evaluate(request);
            assert.equal(rewritten.evaluate(request), decision);
            assert.equal(rewritten.explain(request).decision, decision);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('are really exercised: the generated policies reach every decision', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.array(statementArb, { minLength: 1, maxLength: 6 }),
        requestArb,
        (statements, request) => {
          seen.add(compilePolicy(render(statements, IDENTITY)).evaluate(request));
        },
      ),
      { numRuns: 300 },
    );
    assert.deepEqual([...seen].sort(), ['Allow', 'ExplicitDeny', 'ImplicitDeny']);
  });
});
