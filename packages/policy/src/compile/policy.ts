// compilePolicy: parse (strict JSON), validate, compile once; then `evaluate` is a loop over
// prepared statement tests. Deny statements are checked first so an explicit deny short-circuits;
// statement order in the document never changes the decision.

import { parseJsonStrict } from '@rolegate/core';
import { JsonSyntaxError, PolicyValidationError } from '../errors.ts';
import { compileDocument } from '../grammar/document.ts';
import { Issues } from '../grammar/issues.ts';
import type { Decision, Explanation, JsonValue, PolicyRequest, StatementTrace } from '../types.ts';
import { RequestEnv } from './env.ts';
import { MemoTable } from './memo.ts';
import type { CompiledStatement } from './statement.ts';

/** Lattice's limit for one auth policy. */
export const DEFAULT_MAX_POLICY_BYTES = 10 * 1024;

export interface CompileOptions {
  /** Shown in explanations and errors (a file name, a tier name). */
  readonly name?: string;
  /** Largest accepted policy, in UTF-8 bytes of its compact JSON form; default 10 KB. */
  readonly maxBytes?: number;
}

export interface CompiledPolicy {
  readonly name?: string;
  /** Number of statements. */
  readonly size: number;
  /**
   * Every context key the policy can read (condition keys and policy variables), lower-cased: a
   * request context needs no other key for this policy to decide, or to explain, the same way.
   * Absent on a hand-made CompiledPolicy, which is then assumed to read any key.
   */
  readonly contextKeys?: ReadonlySet<string>;
  evaluate(request: PolicyRequest): Decision;
  explain(request: PolicyRequest): Explanation;
}

export class PolicyImpl implements CompiledPolicy {
  readonly name?: string;
  readonly size: number;
  readonly contextKeys: ReadonlySet<string>;
  private readonly statements: readonly CompiledStatement[];
  private readonly denies: readonly CompiledStatement[];
  private readonly allows: readonly CompiledStatement[];
  private readonly memo = new MemoTable();

  constructor(
    statements: readonly CompiledStatement[],
    name: string | undefined,
    contextKeys: ReadonlySet<string>,
  ) {
    if (name !== undefined) this.name = name;
    this.size = statements.length;
    this.contextKeys = contextKeys;
    this.statements = statements;
    this.denies = statements.filter((s) => s.effect === 'Deny');
    this.allows = statements.filter((s) => s.effect === 'Allow');
    for (const s of statements) s.register(this.memo);
    this.memo.seal();
  }

  /** Decision for a prepared request; tiers share one RequestEnv. */
  decide(env: RequestEnv): Decision {
    const memo = this.memo;
    for (const s of this.denies) if (s.matches(env, memo)) return 'ExplicitDeny';
    for (const s of this.allows) if (s.matches(env, memo)) return 'Allow';
    return 'ImplicitDeny';
  }

  evaluate(request: PolicyRequest): Decision {
    return this.decide(new RequestEnv(request));
  }

  explainWith(env: RequestEnv): Explanation {
    const statements = this.statements.map((s) => s.trace(env));
    const matched = statements.filter((t) => t.matched);
    const deny = matched.find((t) => t.effect === 'Deny');
    const decidedBy: StatementTrace | undefined = deny ?? matched.find((t) => t.effect === 'Allow');
    const decision: Decision = deny ? 'ExplicitDeny' : decidedBy ? 'Allow' : 'ImplicitDeny';
    return {
      decision,
      ...(this.name === undefined ? {} : { policy: this.name }),
      ...(decidedBy === undefined ? {} : { decidedBy }),
      matched,
      statements,
    };
  }

  explain(request: PolicyRequest): Explanation {
    return this.explainWith(new RequestEnv(request));
  }
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Parses (strict JSON when given text), validates and compiles a policy. Throws
 * {@link PolicyValidationError} listing every issue, each with its JSON path and rule.
 */
export function compilePolicy(
  source: string | JsonValue,
  options: CompileOptions = {},
): CompiledPolicy {
  const issues = new Issues();
  let doc: JsonValue;
  if (typeof source === 'string') {
    try {
      doc = parseJsonStrict(source);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      throw new PolicyValidationError(
        [{ path: e.path, rule: e.code, message: e.message }],
        options.name,
      );
    }
  } else {
    doc = source;
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_POLICY_BYTES;
  const bytes = utf8Length(JSON.stringify(doc) ?? '');
  if (bytes > maxBytes) {
    issues.add('$', 'policy.too_large', `policy is ${bytes} bytes, more than ${maxBytes}`);
  }
  const contextKeys = new Set<string>();
  const statements = compileDocument(doc, issues, contextKeys);
  if (statements === undefined || !issues.empty) {
    throw new PolicyValidationError(issues.list, options.name);
  }
  return new PolicyImpl(statements, options.name, contextKeys);
}
