// @rolegate/policy — IAM-format (VPC Lattice auth policy) parser, load-time validator, compiler
// to a decision function, and explanations. No run-time dependencies.

export type { ParseJsonOptions } from '@rolegate/core';
export { parseJsonStrict } from '@rolegate/core';
export type { CompiledPolicy, CompileOptions } from './compile/policy.ts';
export { compilePolicy, DEFAULT_MAX_POLICY_BYTES } from './compile/policy.ts';
export { evaluateTiers, explainTiers } from './compile/tiers.ts';
export type { PolicyErrorCode, PolicyIssue, PolicyRule } from './errors.ts';
export {
  JsonSyntaxError,
  PolicyError,
  PolicyValidationError,
  RequestValidationError,
} from './errors.ts';
export { parseRequest } from './request.ts';
export type {
  ContextScalar,
  ContextValue,
  Decision,
  Effect,
  Explanation,
  JsonValue,
  PolicyElement,
  PolicyPrincipal,
  PolicyRequest,
  StatementFailure,
  StatementTrace,
  TiersExplanation,
} from './types.ts';
