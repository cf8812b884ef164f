// The Condition block: operators AND, keys under an operator AND, a key's values OR (NOR for
// negated operators). Here the per-value test of an operator family is wrapped with the rules
// every operator shares:
//   - absent key → false, except negated operators → true; `…IfExists` → true;
//   - a plain operator on a key with several values → no match (use a set prefix);
//   - `ForAnyValue:` → some request value passes (absent/empty → false);
//   - `ForAllValues:` → every request value passes (absent/empty → true).
// An empty list counts as absent for a plain operator. Under a set prefix `…IfExists` changes
// nothing: AWS documents ForAnyValue as false "if the key does not exist", and a role whose only
// policy was an Allow with `ForAnyValue:StringEqualsIfExists` was observed to be refused a request
// without the key. ForAllValues is true on an absent key either way.

import { childPath, indexPath } from '@rolegate/core';
import type { KeyRef, RequestEnv } from '../compile/env.ts';
import { type Issues, isObject } from '../grammar/issues.ts';
import type { ContextScalar, JsonValue } from '../types.ts';
import { compileNull } from './null.ts';
import type { OperatorContext, ValueSpec, ValueTest } from './operator.ts';
import { OPERATORS } from './registry.ts';

export interface CompiledCondition {
  /** Operator as written, e.g. `ForAnyValue:StringEqualsIfExists`. */
  readonly operator: string;
  /** Key as written. */
  readonly key: string;
  readonly path: string;
  readonly test: (env: RequestEnv) => boolean;
  /** Describes the condition completely (see MemoTable). */
  readonly memoKey: string;
}

type SetMode = 'plain' | 'any' | 'all';

function readValues(value: JsonValue, path: string, issues: Issues): ValueSpec[] {
  const one = (v: JsonValue, at: string): ValueSpec | undefined => {
    if (typeof v === 'string') return { text: v, path: at };
    if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v), path: at };
    issues.add(at, 'condition.value', 'expected a string, number or boolean');
    return undefined;
  };
  if (!Array.isArray(value)) {
    const v = one(value, path);
    return v === undefined ? [] : [v];
  }
  if (value.length === 0) issues.add(path, 'value.empty', 'a condition key needs a value');
  return value.map((v, i) => one(v, indexPath(path, i))).filter((v) => v !== undefined);
}

function wrap(
  mode: SetMode,
  negated: boolean,
  ifExists: boolean,
  ref: KeyRef,
  test: ValueTest,
): (env: RequestEnv) => boolean {
  const passes = negated
    ? (v: ContextScalar, env: RequestEnv) => !test(v, env)
    : (v: ContextScalar, env: RequestEnv) => test(v, env);
  if (mode === 'plain') {
    const absent = ifExists || negated;
    return (env) => {
      const v = env.lookup(ref);
      if (v === undefined) return absent;
      if (!Array.isArray(v)) return passes(v as ContextScalar, env);
      if (v.length === 0) return absent;
      return v.length === 1 ? passes(v[0] as ContextScalar, env) : false;
    };
  }
  if (mode === 'any') {
    return (env) => {
      const v = env.lookup(ref);
      if (v === undefined) return false;
      if (!Array.isArray(v)) return passes(v as ContextScalar, env);
      for (const x of v) if (passes(x as ContextScalar, env)) return true;
      return false;
    };
  }
  return (env) => {
    const v = env.lookup(ref);
    if (v === undefined) return true;
    if (!Array.isArray(v)) return passes(v as ContextScalar, env);
    for (const x of v) if (!passes(x as ContextScalar, env)) return false;
    return true;
  };
}

function compileOperator(
  operator: string,
  keys: { [k: string]: JsonValue },
  path: string,
  ctx: OperatorContext,
  out: CompiledCondition[],
): void {
  const { issues } = ctx;
  let mode: SetMode = 'plain';
  let base = operator;
  const colon = operator.indexOf(':');
  if (colon >= 0) {
    const prefix = operator.slice(0, colon);
    if (prefix === 'ForAnyValue') mode = 'any';
    else if (prefix === 'ForAllValues') mode = 'all';
    else {
      issues.add(path, 'condition.unknown_set_prefix', `unknown set prefix "${prefix}"`);
      return;
    }
    base = operator.slice(colon + 1);
  }
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const def = OPERATORS.get(base);
  if (base === 'Null') {
    if (ifExists) issues.add(path, 'condition.ifexists_on_null', 'Null has no IfExists form');
    else if (mode !== 'plain')
      issues.add(path, 'condition.set_prefix_on_null', 'Null takes no set prefix');
  } else if (def === undefined) {
    issues.add(path, 'condition.unknown_operator', `unknown condition operator "${operator}"`);
    return;
  }
  for (const [key, raw] of Object.entries(keys)) {
    const at = childPath(path, key);
    if (!key.includes(':') || key.startsWith(':')) {
      issues.add(at, 'condition.key', `"${key}" is not a condition key (service:Name)`);
      continue;
    }
    if (ctx.variables && key.includes('${')) {
      issues.add(at, 'variable.not_allowed', 'policy variables are not allowed in condition keys');
      continue;
    }
    const values = readValues(raw, at, issues);
    const ref = ctx.keyRef(key);
    let test: (env: RequestEnv) => boolean;
    if (def === undefined) {
      const isNull = compileNull(values, ctx);
      test = (env) => isNull(env.lookup(ref));
    } else {
      test = wrap(mode, def.negated, ifExists, ref, def.compile(values, ctx));
    }
    const memoKey = `${operator}\u0000${ref.lower}\u0000${JSON.stringify(raw)}`;
    out.push({ operator, key, path: at, test, memoKey });
  }
}

/** Compiles a statement's Condition block into its conditions, in document order. */
export function compileConditions(
  block: JsonValue,
  path: string,
  variables: boolean,
  issues: Issues,
  keyRef: (key: string) => KeyRef,
): CompiledCondition[] {
  const out: CompiledCondition[] = [];
  if (!isObject(block)) {
    issues.add(path, 'condition.not_object', 'Condition must be an object of operators');
    return out;
  }
  const ctx: OperatorContext = { variables, issues, keyRef };
  for (const [operator, keys] of Object.entries(block)) {
    const at = childPath(path, operator);
    if (!isObject(keys)) {
      issues.add(at, 'condition.not_object', 'an operator takes an object of condition keys');
      continue;
    }
    compileOperator(operator, keys, at, ctx, out);
  }
  return out;
}
