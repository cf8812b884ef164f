// parseRequest: the shape `rolegate policy simulate` reads, with the path of the first problem.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JsonValue, parseRequest, RequestValidationError } from '../src/index.ts';
import { BASE_REQUEST } from './support/cases.ts';

describe('parseRequest', () => {
  it('accepts the simulate format', () => {
    const r = parseRequest(JSON.parse(JSON.stringify(BASE_REQUEST)));
    assert.equal(r.action, BASE_REQUEST.action);
    assert.deepEqual(r.context?.['vpc-lattice-svcs:RequestQueryString/mode'], ['fast', 'slow']);
  });

  it('accepts an anonymous principal and drops null context values', () => {
    const r = parseRequest({
      principal: { arn: null, account: null, anonymous: true },
      action: 'a:b',
      resource: 'r',
      context: { k: null },
    });
    assert.equal(r.principal?.anonymous, true);
    assert.deepEqual(r.context, {});
  });

  const bad: [string, JsonValue, string][] = [
    ['not an object', [], '$'],
    ['unknown field', { action: 'a:b', resource: 'r', actor: 1 }, '$.actor'],
    ['missing action', { resource: 'r' }, '$.action'],
    ['resource not a string', { action: 'a:b', resource: 1 }, '$.resource'],
    ['principal not an object', { principal: 'x', action: 'a:b', resource: 'r' }, '$.principal'],
    [
      'unknown principal field',
      { principal: { arnn: 'x' }, action: 'a:b', resource: 'r' },
      '$.principal.arnn',
    ],
    [
      'tag value not a string',
      { principal: { tags: { t: 1 } }, action: 'a:b', resource: 'r' },
      '$.principal.tags.t',
    ],
    [
      'context value an object',
      { action: 'a:b', resource: 'r', context: { 'a:b': { x: 1 } } },
      '$.context["a:b"]',
    ],
    [
      'context list of objects',
      { action: 'a:b', resource: 'r', context: { k: [{}] } },
      '$.context.k[0]',
    ],
  ];
  for (const [name, value, path] of bad) {
    it(`rejects ${name} at ${path}`, () => {
      assert.throws(
        () => parseRequest(value),
        (e: unknown) =>
          e instanceof RequestValidationError && e.code === 'request.invalid' && e.path === path,
      );
    });
  }
});
