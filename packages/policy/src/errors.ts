import { type ErrorRegistry, JSON_ERRORS, JsonSyntaxError, RolegateError } from '@rolegate/core';

// One base class for every error the policy package raises on bad input, each with a stable
// `code`. Callers and tests branch on `code` (and on `issue.rule`), never on the message text,
// so messages may be improved without breaking anyone. Programmer misuse (wrong argument types)
// raises a plain TypeError instead, because no input file can cause it.

/** Every code a {@link PolicyError} can carry. A retired code is never reused. */
export type PolicyErrorCode =
  | 'json.syntax'
  | 'json.duplicate_key'
  | 'json.too_deep'
  | 'policy.invalid'
  | 'request.invalid';

/** The rule a load-time issue broke; stable like error codes. */
export type PolicyRule =
  | 'json.syntax'
  | 'json.duplicate_key'
  | 'json.too_deep'
  | 'policy.too_large'
  | 'policy.not_object'
  | 'policy.unknown_element'
  | 'policy.version'
  | 'policy.id'
  | 'statement.missing'
  | 'statement.empty'
  | 'statement.not_object'
  | 'statement.unknown_element'
  | 'statement.sid'
  | 'statement.duplicate_sid'
  | 'statement.effect'
  | 'statement.missing_principal'
  | 'statement.principal_conflict'
  | 'statement.missing_action'
  | 'statement.action_conflict'
  | 'statement.missing_resource'
  | 'statement.resource_conflict'
  | 'statement.notprincipal_allow'
  | 'value.type'
  | 'value.empty'
  | 'principal.unknown_type'
  | 'principal.format'
  | 'principal.partial_wildcard'
  | 'action.format'
  | 'resource.format'
  | 'resource.service_wildcard'
  | 'resource.variable_position'
  | 'condition.not_object'
  | 'condition.unknown_operator'
  | 'condition.unknown_set_prefix'
  | 'condition.ifexists_on_null'
  | 'condition.set_prefix_on_null'
  | 'condition.key'
  | 'condition.value'
  | 'variable.syntax'
  | 'variable.not_allowed';

/** One thing wrong with a policy or request, located by a JSON path such as `$.Statement[0].Effect`. */
export interface PolicyIssue {
  readonly path: string;
  readonly rule: PolicyRule;
  readonly message: string;
}

/** What each {@link PolicyErrorCode} means; shaped like every rolegate registry. */
export const POLICY_ERRORS = {
  ...JSON_ERRORS,
  'policy.invalid': { status: 400, description: 'the policy is not valid' },
  'request.invalid': { status: 400, description: 'the policy request is not valid' },
} as const satisfies ErrorRegistry<PolicyErrorCode>;

export class PolicyError extends RolegateError<PolicyErrorCode> {
  static override readonly registry = POLICY_ERRORS;
}

/** Malformed JSON text: thrown by @rolegate/core's strict parser, re-exported here. */
export { JsonSyntaxError };

/** A policy document rejected at load: every issue found, each with its JSON path and rule. */
export class PolicyValidationError extends PolicyError {
  declare readonly code: 'policy.invalid';
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[], name?: string) {
    const first = issues[0];
    const where = name === undefined ? 'policy' : `policy ${name}`;
    const summary = first === undefined ? '' : `: ${first.path}: ${first.message}`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('policy.invalid', `invalid ${where}${summary}${more}`);
    this.issues = issues;
  }
}

/** A request document (CLI input, `parseRequest`) that does not have the request shape. */
export class RequestValidationError extends PolicyError {
  declare readonly code: 'request.invalid';
  readonly path: string;

  constructor(path: string, message: string) {
    super('request.invalid', `${path}: ${message}`);
    this.path = path;
  }
}
