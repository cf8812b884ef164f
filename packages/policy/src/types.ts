// Public data types: what a request looks like, what a decision and its explanation look like.

/** Any JSON value, as returned by {@link parseJsonStrict}. */
export type { JsonValue } from '@rolegate/core';

/** One value of a request context key. Numbers and booleans are read as their string form by string operators. */
export type ContextScalar = string | number | boolean;

/** A context key's value: one value, or several for a multivalued key (query strings, org paths…). */
export type ContextValue = ContextScalar | readonly ContextScalar[];

/**
 * The authenticated caller. `null`/absent, `anonymous: true`, or neither `arn` nor `account`
 * means anonymous: only `"Principal": "*"` (or `{"AWS": "*"}`) matches it.
 */
export interface PolicyPrincipal {
  /** Normalised principal ARN: `arn:aws:iam::A:role/NAME`, a session `arn:aws:sts::A:assumed-role/NAME/SESSION`, a user, or the account root. */
  readonly arn?: string | null;
  /** 12-digit account id; taken from `arn` when absent. */
  readonly account?: string | null;
  /** Principal tags; read for `aws:PrincipalTag/<key>` when the context does not carry that key. */
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly anonymous?: boolean;
}

/** What a policy decides on: the same shape as `rolegate policy simulate` reads. */
export interface PolicyRequest {
  readonly principal?: PolicyPrincipal | null;
  /** `service:Action`, e.g. `vpc-lattice-svcs:Invoke` or `rolegate:IssueToken`. */
  readonly action: string;
  /** An ARN (`<serviceArn><path>`) or any other string such as an audience URI. */
  readonly resource: string;
  /** Condition keys (names compared case-insensitively) and their values. */
  readonly context?: Readonly<Record<string, ContextValue | null | undefined>> | null;
}

export type Decision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';

export type Effect = 'Allow' | 'Deny';

/** The statement elements, in the order an explanation checks them. */
export type PolicyElement =
  | 'Principal'
  | 'NotPrincipal'
  | 'Action'
  | 'NotAction'
  | 'Resource'
  | 'NotResource'
  | 'Condition';

/** Why a statement did not match: the first element (or condition) that failed, in document order. */
export interface StatementFailure {
  readonly element: PolicyElement;
  /** JSON path of the failing element or condition key, e.g. `$.Statement[1].Condition.StringEquals["aws:PrincipalTag/team"]`. */
  readonly path: string;
  /** Condition operator as written, for a failed condition. */
  readonly operator?: string;
  /** Condition key as written, for a failed condition. */
  readonly key?: string;
  readonly reason: string;
}

export interface StatementTrace {
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** JSON path of the statement, e.g. `$.Statement[2]`. */
  readonly path: string;
  readonly matched: boolean;
  /** Present when `matched` is false. */
  readonly failed?: StatementFailure;
}

export interface Explanation {
  readonly decision: Decision;
  /** The policy's `name` option, if one was given. */
  readonly policy?: string;
  /** The statement that decided: a matching Deny for ExplicitDeny, a matching Allow for Allow; absent for ImplicitDeny. */
  readonly decidedBy?: StatementTrace;
  /** Every statement that matched, in document order. */
  readonly matched: readonly StatementTrace[];
  /** Every statement, in document order. */
  readonly statements: readonly StatementTrace[];
}

export interface TiersExplanation {
  readonly decision: Decision;
  /** Index of the tier that decided a deny (the first with ExplicitDeny, else the first without Allow). */
  readonly decidingTier?: number;
  readonly tiers: readonly Explanation[];
}
