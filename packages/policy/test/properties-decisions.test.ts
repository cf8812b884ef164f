// fast-check properties on whole decisions: statement order never changes a decision, adding a
// Deny never turns a deny into Allow, evaluate and explain agree.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePolicy, type JsonValue, type PolicyRequest } from '../src/index.ts';
import { BASE_REQUEST } from './support/cases.ts';

const ACTIONS = [
  '*',
  'vpc-lattice-svcs:*',
  'vpc-lattice-svcs:Invoke',
  'rolegate:IssueToken',
  'x:Y*',
];
const RESOURCES = [
  '*',
  '*/rates',
  '*/admin/*',
  'arn:aws:vpc-lattice:*:*:service/*/rates',
  'https://*',
];
const PRINCIPALS: JsonValue[] = [
  '*',
  { AWS: '444455556666' },
  { AWS: 'arn:aws:iam::444455556666:role/orders-api' },
  { AWS: '111122223333' },
];
const CONDITIONS: (JsonValue | undefined)[] = [
  undefined,
  { StringEquals: { 'vpc-lattice-svcs:RequestMethod': ['GET', 'HEAD'] } },
  { StringNotEquals: { 'aws:PrincipalType': 'Anonymous' } },
  { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
  { 'ForAnyValue:StringLike': { 'vpc-lattice-svcs:RequestQueryString/mode': 'f*' } },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
  { StringEqualsIfExists: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/team}' } },
  { Null: { 'aws:PrincipalOrgID': 'true' } },
];

const statementArb = (effect?: 'Allow' | 'Deny') =>
  fc
    .record({
      effect: effect === undefined ? fc.constantFrom('Allow', 'Deny') : fc.constant(effect),
      principal: fc.constantFrom(...PRINCIPALS),
      notPrincipal: fc.boolean(),
      action: fc.constantFrom(...ACTIONS),
      notAction: fc.boolean(),
      resource: fc.constantFrom(...RESOURCES),
      condition: fc.constantFrom(...CONDITIONS),
    })
    .map((s) => {
      const out: { [k: string]: JsonValue } = { Effect: s.effect };
      // NotPrincipal only with Deny: AWS does not support it with Allow, and neither does rolegate.
      const not = s.notPrincipal && s.principal !== '*' && s.effect === 'Deny';
      out[not ? 'NotPrincipal' : 'Principal'] = s.principal;
      out[s.notAction ? 'NotAction' : 'Action'] = s.action;
      out['Resource'] = s.resource;
      if (s.condition !== undefined) out['Condition'] = s.condition;
      return out;
    });

const requestArb: fc.Arbitrary<PolicyRequest> = fc
  .record({
    principal: fc.constantFrom(
      BASE_REQUEST.principal,
      null,
      { arn: 'arn:aws:iam::111122223333:user/bob' },
      { arn: 'arn:aws:iam::444455556666:role/orders-api' },
    ),
    action: fc.constantFrom('vpc-lattice-svcs:Invoke', 'rolegate:IssueToken', 'x:Yes'),
    resource: fc.constantFrom(
      BASE_REQUEST.resource,
      'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-1/admin/x',
      'https://billing.example.com',
    ),
    method: fc.constantFrom('GET', 'POST'),
    ip: fc.constantFrom('203.0.113.7', '10.0.0.1', '2001:db8::5'),
    mode: fc.constantFrom<string[]>([], ['fast'], ['slow', 'fast'], ['slow']),
  })
  .map((r) => ({
    principal: r.principal,
    action: r.action,
    resource: r.resource,
    context: {
      ...BASE_REQUEST.context,
      'vpc-lattice-svcs:RequestMethod': r.method,
      'aws:SourceIp': r.ip,
      'vpc-lattice-svcs:RequestQueryString/mode': r.mode,
      'aws:PrincipalType': r.principal === null ? 'Anonymous' : 'AssumedRole',
    },
  }));

const policyOf = (statements: JsonValue[]): JsonValue => ({
  Version: '2012-10-17',
  Statement: statements,
});

describe('decision properties', () => {
  it('statement order never changes a decision', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb(), { minLength: 1, maxLength: 8 }),
        requestArb,
        fc.infiniteStream(fc.nat()),
        (statements, request, seeds) => {
          const shuffled = [...statements];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = seeds.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const a = compilePolicy(policyOf(statements)).evaluate(request);
          const b = compilePolicy(policyOf(shuffled)).evaluate(request);
          assert.equal(a, b);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adding a Deny never turns a deny into Allow, nor an Allow into ImplicitDeny', () => {
    fc.assert(
      fc.property(
        fc.array(statementArb(), { minLength: 1, maxLength: 6 }),
        statementArb('Deny'),
        requestArb,
        (statements, deny, request) => {
          const before = compilePolicy(policyOf(statements)).evaluate(request);
          const after = compilePolicy(policyOf([...statements, deny])).evaluate(request);
          if (before !== 'Allow') assert.notEqual(after, 'Allow');
          if (before === 'Allow') assert.notEqual(after, 'ImplicitDeny');
          if (before === 'ExplicitDeny') assert.equal(after, 'ExplicitDeny');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('evaluate and explain always agree', () => {
    fc.assert(
      fc.property(fc.array(statementArb(), { minLength: 1, maxLength: 6 }), requestArb, (s, r) => {
        const p = compilePolicy(policyOf(s));
        const e = p.explain(r);
        assert.equal(p.evaluate(r), e.decision);
        assert.equal(e.matched.length, e.statements.filter((t) => t.matched).length);
        for (const t of e.statements) assert.equal(t.matched, t.failed === undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('a context holding only the keys the policy lists decides the same', () => {
    fc.assert(
      fc.property(fc.array(statementArb(), { minLength: 1, maxLength: 6 }), requestArb, (s, r) => {
        const p = compilePolicy(policyOf(s));
        const keys = p.contextKeys!;
        const context = Object.fromEntries(
          Object.entries(r.context ?? {}).filter(([k]) => keys.has(k.toLowerCase())),
        );
        assert.equal(p.evaluate({ ...r, context }), p.evaluate(r));
      }),
      { numRuns: 300 },
    );
  });
});
