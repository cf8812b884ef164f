// The contract every condition operator family implements. A family turns the policy values of
// one condition key into a single test "does this request value match any of them?"; negation,
// IfExists, absent keys and the ForAnyValue/ForAllValues quantifiers are applied uniformly on top
// of it (see ./compile.ts), so each family only knows how to compare one value.

import type { KeyRef, RequestEnv } from '../compile/env.ts';
import type { Issues } from '../grammar/issues.ts';
import type { ContextScalar } from '../types.ts';

/** One policy value of a condition key, as text (JSON numbers and booleans in their JSON spelling). */
export interface ValueSpec {
  readonly text: string;
  readonly path: string;
}

export interface OperatorContext {
  /** Version 2012-10-17: `${…}` is a policy variable. */
  readonly variables: boolean;
  readonly issues: Issues;
  readonly keyRef: (key: string) => KeyRef;
}

/** True when the request value matches at least one of the condition's policy values. */
export type ValueTest = (value: ContextScalar, env: RequestEnv) => boolean;

export interface OperatorDef {
  /** Base name, without set prefix or `IfExists`. */
  readonly name: string;
  /** Negated operators: values act as NOR, and an absent key makes the condition true. */
  readonly negated: boolean;
  compile(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest;
}

export function toText(value: ContextScalar): string {
  return typeof value === 'string' ? value : String(value);
}

/** For operators whose values cannot hold variables: flags `${` under Version 2012-10-17. */
export function rejectVariables(
  operator: string,
  values: readonly ValueSpec[],
  ctx: OperatorContext,
): boolean {
  let clean = true;
  if (!ctx.variables) return clean;
  for (const v of values) {
    if (v.text.includes('${')) {
      ctx.issues.add(
        v.path,
        'variable.not_allowed',
        `policy variables are not allowed in ${operator}`,
      );
      clean = false;
    }
  }
  return clean;
}

/** Combines per-value tests with OR. */
export function anyOf(tests: readonly ValueTest[]): ValueTest {
  if (tests.length === 1) return tests[0]!;
  return (value, env) => {
    for (const t of tests) if (t(value, env)) return true;
    return false;
  };
}
