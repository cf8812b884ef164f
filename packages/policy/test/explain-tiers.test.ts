// Explanations, tiers, per-request state, and the broker's login-policy use.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, evaluateTiers, explainTiers, type JsonValue } from '../src/index.ts';
import { BASE_REQUEST } from './support/cases.ts';

const doc = (...statements: JsonValue[]): JsonValue => ({
  Version: '2012-10-17',
  Statement: statements,
});
const allowAll = (extra: Record<string, JsonValue> = {}): JsonValue => ({
  Effect: 'Allow',
  Principal: '*',
  Action: '*',
  Resource: '*',
  ...extra,
});
const denyAll = (extra: Record<string, JsonValue> = {}): JsonValue => ({
  ...(allowAll(extra) as object),
  Effect: 'Deny',
});

describe('explanations', () => {
  it('names the deciding Deny, every matched statement and the first failure of the others', () => {
    const p = compilePolicy(
      doc(
        allowAll({ Sid: 'A' }),
        denyAll({ Sid: 'D', Resource: '*/rates' }),
        allowAll({ Sid: 'B', Principal: { AWS: '111122223333' }, Action: 'rolegate:*' }),
        allowAll({
          Sid: 'C',
          Condition: {
            StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET', 'aws:PrincipalOrgID': 'o-1' },
          },
        }),
      ),
    );
    const e = p.explain(BASE_REQUEST);
    assert.equal(e.decision, 'ExplicitDeny');
    assert.equal(e.decidedBy?.sid, 'D');
    assert.deepEqual(
      e.matched.map((t) => t.sid),
      ['A', 'D'],
    );
    const b = e.statements[2]!;
    assert.equal(b.matched, false);
    assert.equal(b.failed?.element, 'Principal', 'Principal is checked before Action');
    assert.equal(b.failed?.path, '$.Statement[2].Principal');
    const c = e.statements[3]!;
    assert.deepEqual(
      {
        element: c.failed?.element,
        operator: c.failed?.operator,
        key: c.failed?.key,
        path: c.failed?.path,
      },
      {
        element: 'Condition',
        operator: 'StringEquals',
        key: 'aws:PrincipalOrgID',
        path: '$.Statement[3].Condition.StringEquals["aws:PrincipalOrgID"]',
      },
    );
  });

  it('has no deciding statement for ImplicitDeny', () => {
    const e = compilePolicy(doc(allowAll({ Action: 'x:y' }))).explain(BASE_REQUEST);
    assert.equal(e.decision, 'ImplicitDeny');
    assert.equal(e.decidedBy, undefined);
    assert.equal(e.statements[0]?.failed?.element, 'Action');
  });

  it('locates a single-object Statement as $.Statement', () => {
    const p = compilePolicy({ Version: '2012-10-17', Statement: allowAll({ Resource: 'x' }) });
    assert.equal(p.explain(BASE_REQUEST).statements[0]?.failed?.path, '$.Statement.Resource');
  });
});

describe('tiers', () => {
  const allow = compilePolicy(doc(allowAll()));
  const none = compilePolicy(doc(allowAll({ Action: 'x:y' })));
  const deny = compilePolicy(doc(denyAll()));

  it('every tier must Allow', () => {
    assert.equal(evaluateTiers([allow, allow], BASE_REQUEST), 'Allow');
    assert.equal(evaluateTiers([allow, none], BASE_REQUEST), 'ImplicitDeny');
    assert.equal(evaluateTiers([none, allow], BASE_REQUEST), 'ImplicitDeny');
  });

  it('an explicit Deny in any tier wins', () => {
    assert.equal(evaluateTiers([none, deny], BASE_REQUEST), 'ExplicitDeny');
    assert.equal(evaluateTiers([deny, allow], BASE_REQUEST), 'ExplicitDeny');
  });

  it('no tiers at all never grants', () => {
    assert.equal(evaluateTiers([], BASE_REQUEST), 'ImplicitDeny');
    assert.equal(explainTiers([], BASE_REQUEST).decision, 'ImplicitDeny');
  });

  it('explains which tier decided', () => {
    const e = explainTiers([allow, none, deny], BASE_REQUEST);
    assert.equal(e.decision, 'ExplicitDeny');
    assert.equal(e.decidingTier, 2);
    assert.equal(explainTiers([allow, none], BASE_REQUEST).decidingTier, 1);
    assert.equal(explainTiers([allow, allow], BASE_REQUEST).decidingTier, undefined);
  });
});

describe('evaluation state', () => {
  it('never leaks a remembered result from one request into the next', () => {
    const p = compilePolicy(
      doc(
        allowAll({
          Sid: 'Get',
          Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
        }),
        allowAll({
          Sid: 'Get2',
          Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
        }),
      ),
    );
    const post = {
      ...BASE_REQUEST,
      context: { ...BASE_REQUEST.context, 'vpc-lattice-svcs:RequestMethod': 'POST' },
    };
    for (let i = 0; i < 3; i++) {
      assert.equal(p.evaluate(BASE_REQUEST), 'Allow');
      assert.equal(p.evaluate(post), 'ImplicitDeny');
      assert.equal(evaluateTiers([p, p], post), 'ImplicitDeny');
      assert.equal(evaluateTiers([p, p], BASE_REQUEST), 'Allow');
    }
  });

  it('shares a resource prefix across statements without confusing resources', () => {
    const svc = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-1';
    const p = compilePolicy(
      doc(
        allowAll({ Sid: 'A', Resource: `${svc}/a/*` }),
        allowAll({ Sid: 'B', Resource: `${svc}/b` }),
        denyAll({ Sid: 'D', Resource: `${svc}/a/secret` }),
      ),
    );
    const at = (path: string) => p.evaluate({ ...BASE_REQUEST, resource: `${svc}${path}` });
    assert.equal(at('/a/x'), 'Allow');
    assert.equal(at('/b'), 'Allow');
    assert.equal(at('/bb'), 'ImplicitDeny');
    assert.equal(at('/a/secret'), 'ExplicitDeny');
    assert.equal(
      p.evaluate({
        ...BASE_REQUEST,
        resource: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-2/b',
      }),
      'ImplicitDeny',
    );
  });
});

describe('broker login policy', () => {
  const login = compilePolicy(
    doc(
      {
        Sid: 'PaymentsToBilling',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444455556666:role/orders-api' },
        Action: 'rolegate:IssueToken',
        Resource: ['https://billing.example.com', 'https://*.payments.example.com'],
      },
      {
        Sid: 'NoAnonymous',
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalType': 'Anonymous' } },
      },
    ),
  );
  const issue = (audience: string, arn = 'arn:aws:iam::444455556666:role/orders-api') =>
    login.evaluate({
      principal: { arn, account: '444455556666' },
      action: 'rolegate:IssueToken',
      resource: audience,
      context: { 'aws:PrincipalArn': arn, 'aws:PrincipalType': 'AssumedRole' },
    });

  it('matches audience URIs as whole strings', () => {
    assert.equal(issue('https://billing.example.com'), 'Allow');
    assert.equal(issue('https://ledger.payments.example.com'), 'Allow');
    assert.equal(issue('https://billing.example.com/'), 'ImplicitDeny');
    assert.equal(issue('https://evil.example.com'), 'ImplicitDeny');
    assert.equal(
      issue('https://billing.example.com', 'arn:aws:iam::444455556666:role/other'),
      'ImplicitDeny',
    );
  });
});
