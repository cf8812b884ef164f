// @rolegate/core — what both sides of a rolegate token share, and nothing else: claim types and
// the Principal, wire constants, strict JSON and base64, the error base, loopback checks. No
// dependencies, so every other package may import it.

export {
  isPartition,
  PARTITION_INFO,
  PARTITIONS,
  type Partition,
} from './aws-partitions.ts';
export { decodeBase64Strict, decodeBase64urlStrict } from './base64.ts';
export type {
  AuthMethod,
  ClaimIdentity,
  Principal,
  PrincipalType,
  RolegateClaimV1,
  TokenClaims,
  VerifiedClaims,
} from './claims.ts';
export {
  AUTH_METHODS,
  buildRolegateClaim,
  PRINCIPAL_TYPES,
  principalFromClaims,
  rolegateClaimProblem,
} from './claims.ts';
export {
  type DescribeFetchFailureOptions,
  describeFetchFailure,
  type FetchFailure,
  type FetchFailureKind,
} from './describe-fetch-failure.ts';
export type { ErrorRegistry, ErrorSpec, RolegateErrorOptions } from './errors.ts';
export { CONFIG_ERRORS, ConfigError, errorSpec, isRolegateError, RolegateError } from './errors.ts';
export type { JsonErrorCode, JsonValue, ParseJsonOptions } from './json/parse.ts';
export { JSON_ERRORS, JsonSyntaxError, parseJsonStrict } from './json/parse.ts';
export { childPath, indexPath } from './json/path.ts';
export { isLocalTarget, isLoopback } from './loopback.ts';
export { closestName, editDistance } from './suggest.ts';
export * from './wire.ts';
