// @rolegate/verify — verify rolegate tokens (JWKS-aware, rotation-aware, cached) and authorize
// HTTP requests with IAM-format (VPC Lattice) policies. Framework adapters live in their own
// entry points: @rolegate/verify/node, /express, /fastify, /hono.

export type {
  AuthMethod,
  Principal,
  PrincipalType,
  RolegateClaimV1,
  VerifiedClaims,
} from '@rolegate/core';
export type {
  AuthorizationResult,
  AuthorizeOptions,
  Authorizer,
  Policies,
} from './authorize/authorize.ts';
export { authorize, createAuthorizer } from './authorize/authorize.ts';
export { type ContextNeeds, INVOKE_ACTION } from './authorize/context.ts';
export {
  type CanonicalPathOptions,
  canonicalPath,
  type SplitTarget,
  splitTarget,
} from './authorize/path.ts';
export type { HttpRequestInfo } from './authorize/request-info.ts';
export type { VerifyErrorCode, VerifyErrorSpec, WireError } from './errors.ts';
export { isVerifyError, VERIFY_ERRORS, VerifyError } from './errors.ts';
export type { Refusal, RefusalBody } from './http/challenge.ts';
export { bearerToken } from './http/challenge.ts';
export type { Guard, GuardOptions, GuardOutcome, RolegateAuth } from './http/guard.ts';
export { createGuard } from './http/guard.ts';
export type { Algorithm } from './jws/algorithms.ts';
export { SUPPORTED_ALGORITHMS } from './jws/algorithms.ts';
export type { FetchLike } from './keys/fetch-jwks.ts';
export type { Verifier } from './verifier.ts';
export { createVerifier } from './verifier.ts';
export type { JwksOptions, KeyInput, VerifierOptions } from './verifier-options.ts';
export { VERIFIER_DEFAULTS } from './verifier-options.ts';
