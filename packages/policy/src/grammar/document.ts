// The policy document: Version, Id, Statement (an object or a non-empty array), and each
// statement's elements. Every problem is recorded with its JSON path; nothing is compiled into a
// usable policy unless the whole document is clean.

import { childPath, indexPath } from '@rolegate/core';
import { type KeyRef, recordingKeyRef } from '../compile/env.ts';
import type { ElementTest } from '../compile/statement.ts';
import { CompiledStatement } from '../compile/statement.ts';
import { compileConditions } from '../condition/compile.ts';
import type { JsonValue, PolicyElement } from '../types.ts';
import { compileActions } from './action.ts';
import { type Issues, isObject, readStrings } from './issues.ts';
import { compilePrincipal, parsePrincipal } from './principal.ts';
import { compileResources, sharedResourcePrefix } from './resource.ts';

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
export const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

type Obj = { [k: string]: JsonValue };

/** Picks exactly one of a positive/negated element pair, reporting a missing or doubled one. */
function pick(
  st: Obj,
  path: string,
  positive: PolicyElement,
  negative: PolicyElement,
  issues: Issues,
  rules: {
    missing:
      | 'statement.missing_principal'
      | 'statement.missing_action'
      | 'statement.missing_resource';
    conflict:
      | 'statement.principal_conflict'
      | 'statement.action_conflict'
      | 'statement.resource_conflict';
  },
): { element: PolicyElement; value: JsonValue; path: string } | undefined {
  const hasPos = Object.hasOwn(st, positive);
  const hasNeg = Object.hasOwn(st, negative);
  if (hasPos && hasNeg) {
    issues.add(path, rules.conflict, `a statement takes ${positive} or ${negative}, not both`);
    return undefined;
  }
  if (!hasPos && !hasNeg) {
    issues.add(path, rules.missing, `a statement needs ${positive} or ${negative}`);
    return undefined;
  }
  const element = hasPos ? positive : negative;
  return { element, value: st[element]!, path: childPath(path, element) };
}

function negate(element: PolicyElement, test: ElementTest['test']): ElementTest['test'] {
  return element.startsWith('Not') ? (env) => !test(env) : test;
}

interface DocumentScope {
  readonly variables: boolean;
  readonly sids: Set<string>;
  readonly issues: Issues;
  /** Literal prefix shared by the resource patterns (see sharedResourcePrefix). */
  readonly sharedPrefix: string;
  /** Makes every condition-key and variable reference, and records the key. */
  readonly keyRef: (key: string) => KeyRef;
}

function element(
  picked: { element: PolicyElement; value: JsonValue; path: string },
  test: ElementTest['test'],
  always: boolean,
): ElementTest {
  const memoKey = `${picked.element}\u0000${JSON.stringify(picked.value)}`;
  return { element: picked.element, path: picked.path, test, memoKey, always };
}

const isStar = (v: JsonValue): boolean => v === '*' || (Array.isArray(v) && v.includes('*'));

function compileStatement(
  st: JsonValue,
  index: number,
  path: string,
  scope: DocumentScope,
): CompiledStatement | undefined {
  const { variables, sids, issues } = scope;
  if (!isObject(st)) {
    issues.add(path, 'statement.not_object', 'a statement must be an object');
    return undefined;
  }
  const before = issues.list.length;
  for (const key of Object.keys(st)) {
    if (!STATEMENT_KEYS.has(key)) {
      issues.add(
        childPath(path, key),
        'statement.unknown_element',
        `unknown statement element "${key}"`,
      );
    }
  }
  let sid: string | undefined;
  if (Object.hasOwn(st, 'Sid')) {
    const s = st['Sid'];
    if (typeof s !== 'string') issues.add(`${path}.Sid`, 'statement.sid', 'Sid must be a string');
    else if (sids.has(s))
      issues.add(`${path}.Sid`, 'statement.duplicate_sid', `Sid "${s}" is used twice`);
    else {
      sids.add(s);
      sid = s;
    }
  }
  const effect = st['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    issues.add(`${path}.Effect`, 'statement.effect', 'Effect must be "Allow" or "Deny"');
  }
  const p = pick(st, path, 'Principal', 'NotPrincipal', issues, {
    missing: 'statement.missing_principal',
    conflict: 'statement.principal_conflict',
  });
  const a = pick(st, path, 'Action', 'NotAction', issues, {
    missing: 'statement.missing_action',
    conflict: 'statement.action_conflict',
  });
  const r = pick(st, path, 'Resource', 'NotResource', issues, {
    missing: 'statement.missing_resource',
    conflict: 'statement.resource_conflict',
  });
  let principal: ElementTest | undefined;
  if (p) {
    const set = parsePrincipal(p.value, p.path, issues);
    const negated = p.element === 'NotPrincipal';
    // IAM User Guide, NotPrincipal: "NotPrincipal must be used with "Effect":"Deny". Using it with
    // "Effect":"Allow" is not supported." Evaluated, it would grant every unlisted caller,
    // anonymous ones included.
    if (negated && effect === 'Allow') {
      issues.add(
        p.path,
        'statement.notprincipal_allow',
        'NotPrincipal must be used with "Effect": "Deny"; with Allow it would grant every unlisted caller',
      );
    }
    principal = element(p, compilePrincipal(set, negated), set.everyone && !negated);
  }
  const action =
    a &&
    element(
      a,
      negate(a.element, compileActions(readStrings(a.value, a.path, issues), variables, issues)),
      a.element === 'Action' && isStar(a.value),
    );
  const resource =
    r &&
    element(
      r,
      negate(
        r.element,
        compileResources(
          readStrings(r.value, r.path, issues),
          variables,
          issues,
          scope.keyRef,
          scope.sharedPrefix,
        ),
      ),
      r.element === 'Resource' && isStar(r.value),
    );
  const conditions = Object.hasOwn(st, 'Condition')
    ? compileConditions(st['Condition']!, `${path}.Condition`, variables, issues, scope.keyRef)
    : [];
  if (issues.list.length !== before || !principal || !action || !resource) return undefined;
  return new CompiledStatement(
    index,
    path,
    sid,
    effect as 'Allow' | 'Deny',
    principal,
    action,
    resource,
    conditions,
  );
}

function resourceStrings(st: JsonValue): string[] {
  if (!isObject(st)) return [];
  const v = st['Resource'] ?? st['NotResource'];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

/** Validates and compiles a parsed document; returns undefined when any issue was recorded. */
export function compileDocument(
  doc: JsonValue,
  issues: Issues,
  contextKeys: Set<string>,
): CompiledStatement[] | undefined {
  if (!isObject(doc)) {
    issues.add('$', 'policy.not_object', 'a policy must be a JSON object');
    return undefined;
  }
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.has(key)) {
      issues.add(childPath('$', key), 'policy.unknown_element', `unknown policy element "${key}"`);
    }
  }
  const version = doc['Version'];
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.has(version))) {
    issues.add('$.Version', 'policy.version', 'Version must be "2012-10-17" or "2008-10-17"');
  }
  if (doc['Id'] !== undefined && typeof doc['Id'] !== 'string') {
    issues.add('$.Id', 'policy.id', 'Id must be a string');
  }
  // Policy variables exist only from Version 2012-10-17; before that `${…}` is literal text.
  const variables = version === '2012-10-17';
  const statement = doc['Statement'];
  let list: { value: JsonValue; path: string }[] = [];
  if (statement === undefined) issues.add('$', 'statement.missing', 'a policy needs a Statement');
  else if (Array.isArray(statement)) {
    if (statement.length === 0) issues.add('$.Statement', 'statement.empty', 'Statement is empty');
    list = statement.map((value, i) => ({ value, path: indexPath('$.Statement', i) }));
  } else list = [{ value: statement, path: '$.Statement' }];
  const scope: DocumentScope = {
    variables,
    sids: new Set(),
    issues,
    sharedPrefix: sharedResourcePrefix(list.flatMap(({ value }) => resourceStrings(value))),
    keyRef: recordingKeyRef(contextKeys),
  };
  const out: CompiledStatement[] = [];
  list.forEach(({ value, path }, i) => {
    const compiled = compileStatement(value, i, path, scope);
    if (compiled) out.push(compiled);
  });
  return issues.empty ? out : undefined;
}
