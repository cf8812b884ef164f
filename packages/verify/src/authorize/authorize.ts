// authorize(): the caller (or nobody) + an HTTP request + the policies → a decision that can
// explain itself. The path is normalised and checked before any policy runs (a bad one throws a
// 400-coded VerifyError); the policies are evaluated as Lattice tiers (service network, then
// service): each must Allow, and an explicit Deny anywhere wins.

import type { Principal } from '@rolegate/core';
import {
  type CompiledPolicy,
  type Decision,
  evaluateTiers,
  explainTiers,
  type PolicyRequest,
  type TiersExplanation,
} from '@rolegate/policy';
import {
  buildPolicyRequest,
  type ContextNeeds,
  contextNeeds,
  type ServiceInfo,
} from './context.ts';
import { splitTarget } from './path.ts';
import type { HttpRequestInfo } from './request-info.ts';

export interface AuthorizeOptions {
  /** The service's ARN: the resource is `<serviceArn><path>`. Default `arn:rolegate:lattice:::service/<serviceName>`. */
  readonly serviceArn?: string;
  /** Used for the default `serviceArn`. Default `default`. */
  readonly serviceName?: string;
  /** Sets `vpc-lattice-svcs:ServiceNetworkArn` when given. */
  readonly serviceNetworkArn?: string;
  /** Account id → AWS Organizations id, for `aws:PrincipalOrgID`. */
  readonly orgIds?: Readonly<Record<string, string>>;
  /** Clock in milliseconds, for `aws:CurrentTime` / `aws:EpochTime`. Default `Date.now`. */
  readonly now?: () => number;
}

/** Policies to evaluate: one, or Lattice's tiers in order (service network policy, service policy). */
export type Policies = CompiledPolicy | readonly CompiledPolicy[];

export interface AuthorizationResult {
  readonly decision: Decision;
  /** `decision === 'Allow'`. */
  readonly allowed: boolean;
  /** The normalised path the policies saw (what a router should route on). */
  readonly path: string;
  /**
   * The policy request that was evaluated (`rolegate policy simulate` reads the same shape). Its
   * context has every key of the request except the headers and query strings no policy reads.
   */
  readonly request: PolicyRequest;
  /** Which statements matched and decided, and why each other did not; computed on demand. */
  explain(): TiersExplanation;
}

export interface Authorizer {
  authorize(principal: Principal | null, request: HttpRequestInfo): AuthorizationResult;
  /**
   * The headers and query-string keys the policies can read (lower-case names), worked out once
   * when the authorizer is built. A proxy uses it to refuse a request that a policy and a backend
   * could read two ways (a repeated header the policy reads).
   */
  readonly reads: ContextNeeds;
}

const fail = (option: string, why: string): never => {
  throw new TypeError(`authorize: ${option} ${why}`);
};

function tiersOf(policies: Policies): readonly CompiledPolicy[] {
  const list = Array.isArray(policies) ? policies : [policies as CompiledPolicy];
  if (list.length === 0) fail('policies', 'must hold at least one compiled policy');
  for (const p of list) {
    if (typeof p !== 'object' || p === null || typeof p.evaluate !== 'function') {
      fail('policies', 'must be compiled policies (compilePolicy from @rolegate/policy)');
    }
  }
  return Object.freeze([...list]);
}

function serviceOf(options: AuthorizeOptions): ServiceInfo {
  const optional = (value: unknown, name: string) => {
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      fail(name, 'must be a non-empty string');
    }
  };
  optional(options.serviceArn, 'serviceArn');
  optional(options.serviceName, 'serviceName');
  optional(options.serviceNetworkArn, 'serviceNetworkArn');
  if (
    options.orgIds !== undefined &&
    (typeof options.orgIds !== 'object' || options.orgIds === null)
  ) {
    fail('orgIds', 'must map account ids to organization ids');
  }
  const serviceArn =
    options.serviceArn ?? `arn:rolegate:lattice:::service/${options.serviceName ?? 'default'}`;
  return { serviceArn, serviceNetworkArn: options.serviceNetworkArn, orgIds: options.orgIds };
}

// A class rather than an object with a closure: one is made per request, and the explanation is
// rarely asked for, so it should cost nothing until it is.
class Result implements AuthorizationResult {
  readonly allowed: boolean;

  constructor(
    readonly decision: Decision,
    readonly path: string,
    readonly request: PolicyRequest,
    private readonly tiers: readonly CompiledPolicy[],
  ) {
    this.allowed = decision === 'Allow';
  }

  explain(): TiersExplanation {
    return explainTiers(this.tiers, this.request);
  }
}

/** Validates the policies and options once (TypeError on misuse) and returns a reusable authorizer. */
export function createAuthorizer(policies: Policies, options: AuthorizeOptions = {}): Authorizer {
  const tiers = tiersOf(policies);
  const service = serviceOf(options);
  if (options.now !== undefined && typeof options.now !== 'function')
    fail('now', 'must be a function');
  const now = options.now ?? Date.now;
  const needs = contextNeeds(tiers);
  return Object.freeze({
    reads: needs,
    authorize(principal: Principal | null, info: HttpRequestInfo): AuthorizationResult {
      const target = splitTarget(info.url);
      const request = buildPolicyRequest(principal, info, target, service, needs, now());
      return new Result(evaluateTiers(tiers, request), target.path, request, tiers);
    },
  });
}

/**
 * One-off form of {@link createAuthorizer}: decides `request` for `principal` (null when no token
 * came). Throws a VerifyError (`request.*`, status 400) for a path that must be refused.
 */
export function authorize(
  principal: Principal | null,
  request: HttpRequestInfo,
  policies: Policies,
  options: AuthorizeOptions = {},
): AuthorizationResult {
  return createAuthorizer(policies, options).authorize(principal, request);
}
