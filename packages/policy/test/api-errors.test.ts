// compilePolicy's errors and limits: codes, JSON paths, size, names, misuse.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, type JsonValue, PolicyError, PolicyValidationError } from '../src/index.ts';
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
function issuesOf(source: string | JsonValue, options?: { maxBytes?: number }) {
  try {
    compilePolicy(source, options);
  } catch (e) {
    assert.ok(e instanceof PolicyValidationError);
    assert.ok(e instanceof PolicyError);
    assert.equal(e.code, 'policy.invalid');
    return e.issues;
  }
  assert.fail('expected a PolicyValidationError');
}

describe('compilePolicy errors', () => {
  it('reports a duplicate JSON key with its path', () => {
    const issues = issuesOf(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny"}]}',
    );
    assert.deepEqual(
      issues.map((i) => [i.rule, i.path]),
      [['json.duplicate_key', '$.Statement[0].Effect']],
    );
  });

  it('reports malformed JSON text', () => {
    assert.equal(issuesOf('{"Version":"2012-10-17"} trailing')[0]?.rule, 'json.syntax');
  });

  it('accepts text and parsed JSON alike', () => {
    const text = JSON.stringify(doc(allowAll()));
    assert.equal(compilePolicy(text).evaluate(BASE_REQUEST), 'Allow');
    assert.equal(compilePolicy(JSON.parse(text)).evaluate(BASE_REQUEST), 'Allow');
  });

  it('limits size to 10 KB of compact JSON by default, configurable', () => {
    const pad = (n: number) => doc(allowAll({ Sid: 'x'.repeat(n) }));
    const base = JSON.stringify(pad(0)).length;
    assert.doesNotThrow(() => compilePolicy(pad(10240 - base)));
    assert.equal(issuesOf(pad(10241 - base))[0]?.rule, 'policy.too_large');
    assert.doesNotThrow(() => compilePolicy(pad(20000), { maxBytes: 32 * 1024 }));
    // Whitespace does not count: the limit is on the compact form.
    assert.doesNotThrow(() => compilePolicy(JSON.stringify(pad(10240 - base), null, 8)));
  });

  it('names the policy in errors and explanations', () => {
    assert.throws(() => compilePolicy('{}', { name: 'svc.json' }), /policy svc\.json/);
    const p = compilePolicy(doc(allowAll()), { name: 'svc.json' });
    assert.equal(p.name, 'svc.json');
    assert.equal(p.explain(BASE_REQUEST).policy, 'svc.json');
  });

  it('lists every issue in document order', () => {
    const issues = issuesOf(
      doc(
        { Effect: 'allow', Principal: '*', Action: 'Invoke', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: '*', Resource: '*' },
      ),
    );
    assert.deepEqual(
      issues.map((i) => i.rule),
      ['statement.effect', 'action.format', 'principal.partial_wildcard'],
    );
  });

  it('refuses NotPrincipal with Allow at load, naming the element (AWS: "must be used with Deny")', () => {
    const notPrincipal = { AWS: '444455556666' };
    const issues = issuesOf(
      doc(
        { Effect: 'Deny', NotPrincipal: notPrincipal, Action: '*', Resource: '*' },
        { Effect: 'Allow', NotPrincipal: notPrincipal, Action: '*', Resource: '*' },
        {
          Effect: 'Allow',
          NotPrincipal: { AWS: 'arn:aws:iam::*:root' },
          Action: '*',
          Resource: '*',
        },
      ),
    );
    assert.deepEqual(
      issues.map((i) => [i.rule, i.path]),
      [
        ['statement.notprincipal_allow', '$.Statement[1].NotPrincipal'],
        ['principal.partial_wildcard', '$.Statement[2].NotPrincipal.AWS'],
        ['statement.notprincipal_allow', '$.Statement[2].NotPrincipal'],
      ],
    );
    assert.throws(
      () =>
        compilePolicy(
          doc({ Effect: 'Allow', NotPrincipal: notPrincipal, Action: '*', Resource: '*' }),
        ),
      /\$\.Statement\[0\]\.NotPrincipal: NotPrincipal must be used with "Effect": "Deny"/,
    );
  });

  it('raises TypeError, not a policy error, for a malformed request object', () => {
    const p = compilePolicy(doc(allowAll()));
    assert.throws(() => p.evaluate({ action: 5 } as never), TypeError);
    assert.throws(() => p.evaluate(null as never), TypeError);
  });
});
