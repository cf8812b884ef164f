// One compiled statement: a test per element, in document order for explanations, plus a fast
// `matches` that checks the cheapest elements first (the result is the same: they are ANDed).

import type { CompiledCondition } from '../condition/compile.ts';
import type { Effect, PolicyElement, StatementFailure, StatementTrace } from '../types.ts';
import type { RequestEnv } from './env.ts';
import type { MemoTable } from './memo.ts';

export interface ElementTest {
  readonly element: PolicyElement;
  readonly path: string;
  readonly test: (env: RequestEnv) => boolean;
  /** Describes the test completely: equal keys in one policy are evaluated once per request. */
  readonly memoKey: string;
  /** True for `*` elements, which the fast path skips. */
  readonly always: boolean;
}

export class CompiledStatement {
  constructor(
    readonly index: number,
    readonly path: string,
    readonly sid: string | undefined,
    readonly effect: Effect,
    readonly principal: ElementTest,
    readonly action: ElementTest,
    readonly resource: ElementTest,
    readonly conditions: readonly CompiledCondition[],
  ) {}

  /** Memo ids of the tests `matches` runs, cheapest first; filled by the policy. */
  ids: Int32Array = new Int32Array(0);

  /** Registers the statement's tests in the policy's memo table. */
  register(memo: MemoTable): void {
    const ids: number[] = [];
    for (const e of [this.action, this.resource, this.principal]) {
      if (!e.always) ids.push(memo.register(e.memoKey, e.test));
    }
    for (const c of this.conditions) ids.push(memo.register(c.memoKey, c.test));
    this.ids = Int32Array.from(ids);
  }

  matches(env: RequestEnv, memo: MemoTable): boolean {
    const ids = this.ids;
    for (let i = 0; i < ids.length; i++) if (!memo.check(ids[i]!, env)) return false;
    return true;
  }

  /** The first element or condition, in document order, that does not match; undefined if none. */
  firstFailure(env: RequestEnv): StatementFailure | undefined {
    for (const e of [this.principal, this.action, this.resource]) {
      if (!e.test(env)) return { element: e.element, path: e.path, reason: REASONS[e.element] };
    }
    for (const c of this.conditions) {
      if (!c.test(env)) {
        return {
          element: 'Condition',
          path: c.path,
          operator: c.operator,
          key: c.key,
          reason: `${c.operator} on ${c.key} is false`,
        };
      }
    }
    return undefined;
  }

  trace(env: RequestEnv): StatementTrace {
    const failed = this.firstFailure(env);
    const base = { index: this.index, path: this.path, effect: this.effect, matched: !failed };
    const withSid = this.sid === undefined ? base : { ...base, sid: this.sid };
    return failed === undefined ? withSid : { ...withSid, failed };
  }
}

const REASONS: Readonly<Record<PolicyElement, string>> = {
  Principal: 'the caller is not among the listed principals',
  NotPrincipal: 'the caller is exempted by NotPrincipal',
  Action: 'the action is not listed',
  NotAction: 'the action is excluded by NotAction',
  Resource: 'the resource is not listed',
  NotResource: 'the resource is excluded by NotResource',
  Condition: 'a condition is false',
};
