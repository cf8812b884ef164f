// Trust policies as Roles Anywhere has them evaluated: the caller is the service principal
// rolesanywhere.amazonaws.com, every one of sts:AssumeRole, sts:TagSession and
// sts:SetSourceIdentity must be allowed, and @rolegate/policy decides the rest (conditions,
// explicit denies). Policies IAM would refuse are refused when the emulator starts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileTrustPolicy } from '../src/roles-anywhere/trust-policy.ts';

const ROLE = 'arn:aws:iam::111122223333:role/r';
const ANCHOR = 'arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/x';
const ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];
const CONTEXT = {
  'aws:SourceArn': ANCHOR,
  'aws:SourceAccount': '111122223333',
  'aws:PrincipalTag/x509Subject/CN': 'orders',
};

function allows(statements: object[], context: Record<string, string> = CONTEXT): boolean {
  const compiled = compileTrustPolicy({ Version: '2012-10-17', Statement: statements }, 'policy');
  assert.deepEqual(compiled.problems, []);
  return compiled.policy!.allows({ roleArn: ROLE, context });
}

const allow = (principal: object | string, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: ACTIONS,
  ...extra,
});

describe('the Principal element, for the one caller there is', () => {
  test('the service by name, alone or in a list, or everyone', () => {
    assert.equal(allows([allow({ Service: 'rolesanywhere.amazonaws.com' })]), true);
    assert.equal(
      allows([allow({ Service: ['ec2.amazonaws.com', 'rolesanywhere.amazonaws.com'] })]),
      true,
    );
    assert.equal(allows([allow('*')]), true);
    assert.equal(allows([allow({ AWS: '*' })]), true);
  });

  test('another service or an IAM principal is not the caller', () => {
    assert.equal(allows([allow({ Service: 'ec2.amazonaws.com' })]), false);
    assert.equal(allows([allow({ AWS: 'arn:aws:iam::111122223333:root' })]), false);
  });

  test('a Deny with NotPrincipal naming the service exempts it; naming another does not', () => {
    const deny = (service: string) => ({
      Effect: 'Deny',
      NotPrincipal: { Service: service },
      Action: 'sts:*',
    });
    const open = allow({ Service: 'rolesanywhere.amazonaws.com' });
    assert.equal(allows([open, deny('rolesanywhere.amazonaws.com')]), true);
    assert.equal(allows([open, deny('ec2.amazonaws.com')]), false);
  });
});

describe('actions and conditions', () => {
  test('all three actions are needed, by name or by wildcard', () => {
    const service = { Service: 'rolesanywhere.amazonaws.com' };
    assert.equal(allows([{ ...allow(service), Action: 'sts:*' }]), true);
    for (const missing of ACTIONS) {
      const actions = ACTIONS.filter((a) => a !== missing);
      assert.equal(allows([{ ...allow(service), Action: actions }]), false, missing);
    }
  });

  test('an explicit deny of one of them wins', () => {
    const service = { Service: 'rolesanywhere.amazonaws.com' };
    const deny = { Effect: 'Deny', Principal: service, Action: 'sts:TagSession' };
    assert.equal(allows([allow(service), deny]), false);
  });

  test('conditions read the principal tags and the source ARN and account', () => {
    const service = { Service: 'rolesanywhere.amazonaws.com' };
    const when = (Condition: object) => allows([allow(service, { Condition })]);
    assert.equal(when({ StringEquals: { 'aws:PrincipalTag/x509Subject/CN': 'orders' } }), true);
    assert.equal(when({ StringEquals: { 'aws:PrincipalTag/x509Subject/CN': 'reviews' } }), false);
    assert.equal(when({ ArnEquals: { 'aws:SourceArn': ANCHOR } }), true);
    assert.equal(when({ ArnEquals: { 'aws:SourceArn': `${ANCHOR}y` } }), false);
    assert.equal(when({ StringEquals: { 'aws:SourceAccount': '444455556666' } }), false);
    assert.equal(when({ Null: { 'aws:PrincipalTag/x509SAN/URI': 'true' } }), true);
  });
});

describe('policies IAM refuses', () => {
  const problems = (source: unknown) => compileTrustPolicy(source, 'roles[0].trustPolicy').problems;

  test('a Resource, NotPrincipal in an Allow, an unknown operator, not strict JSON', () => {
    const service = { Service: 'rolesanywhere.amazonaws.com' };
    assert.match(
      problems({ Statement: [allow(service, { Resource: '*' })] }).join('\n'),
      /Statement\[0\]/,
    );
    assert.notEqual(
      problems({ Statement: [{ Effect: 'Allow', NotPrincipal: service, Action: 'sts:*' }] }).length,
      0,
    );
    assert.notEqual(
      problems({ Statement: [allow(service, { Condition: { StringEqualz: { a: 'b' } } })] }).length,
      0,
    );
    assert.notEqual(problems('{"Statement": [], "Statement": []}').length, 0);
    assert.notEqual(problems({ Version: '2012-10-17' }).length, 0);
  });
});
