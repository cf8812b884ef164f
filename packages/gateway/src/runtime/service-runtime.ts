// One service as requests meet it: how it decides, the audiences its callers' credentials must
// name, its upstream pool and its metrics. As on Lattice, the service network's policy applies to
// every service, and each tier must Allow: an AWS_IAM service evaluates [network, service] (or
// denies everything when it has no policy); a NONE service evaluates the network tier alone when
// there is one, and otherwise passes requests through without reading any credential.

import type { CompiledPolicy } from '@rolegate/policy';
import { type Authorizer, createAuthorizer } from '@rolegate/verify';
import type { GatewayConfig } from '../config/schema.ts';
import type { ServiceConfig } from '../config/service-schema.ts';
import type { CredentialAudience } from '../identity/credential.ts';
import type { GatewayMetrics, ServiceMetrics } from '../ops/metrics.ts';
import type { Upstream } from '../proxy/upstream.ts';

/** `pass-through`: no credential read, nothing decided. `deny-all`: AWS_IAM without a policy. */
export type AuthMode = 'pass-through' | 'authorize' | 'deny-all';

export interface ServiceRuntime {
  readonly name: string;
  readonly serviceArn: string;
  readonly mode: AuthMode;
  readonly audience: CredentialAudience;
  /** Set exactly when `mode` is `authorize`. */
  readonly authorizer: Authorizer | undefined;
  readonly upstream: Upstream;
  readonly forwardToken: boolean;
  readonly preserveHost: boolean;
  /** The policy decides on the lower-cased path: the upstream routes in any letter case. */
  readonly caseInsensitivePaths: boolean;
  readonly metrics: ServiceMetrics;
  /**
   * Every condition key the service's policy tiers read, lower case; undefined when a tier does
   * not list its keys. Forward auth lets a proxy cache a decision only when these are keys the
   * proxy's cache key covers (forward-auth/decision-cache.ts).
   */
  readonly policyKeys: ReadonlySet<string> | undefined;
}

function policyKeysOf(tiers: readonly CompiledPolicy[]): ReadonlySet<string> | undefined {
  const keys = new Set<string>();
  for (const tier of tiers) {
    if (tier.contextKeys === undefined) return undefined;
    for (const key of tier.contextKeys) keys.add(key);
  }
  return keys;
}

export interface ServiceRuntimeDeps {
  readonly config: GatewayConfig;
  readonly network: CompiledPolicy | undefined;
  readonly policy: CompiledPolicy | undefined;
  readonly upstream: Upstream;
  readonly metrics: GatewayMetrics;
}

export function buildServiceRuntime(
  service: ServiceConfig,
  deps: ServiceRuntimeDeps,
): ServiceRuntime {
  const tiers: CompiledPolicy[] = [];
  if (deps.network !== undefined) tiers.push(deps.network);
  if (service.authType === 'AWS_IAM' && deps.policy !== undefined) tiers.push(deps.policy);
  const mode: AuthMode =
    service.authType === 'AWS_IAM'
      ? deps.policy === undefined
        ? 'deny-all'
        : 'authorize'
      : tiers.length > 0
        ? 'authorize'
        : 'pass-through';
  const authorizer =
    mode === 'authorize'
      ? createAuthorizer(tiers, {
          serviceArn: service.serviceArn,
          serviceNetworkArn: deps.config.serviceNetwork?.arn,
          orgIds: deps.config.orgIds,
        })
      : undefined;
  return Object.freeze({
    name: service.name,
    serviceArn: service.serviceArn,
    mode,
    audience: Object.freeze({
      audiences: new Set(service.audiences),
      loginAudience: service.audiences[0]!,
    }),
    authorizer,
    upstream: deps.upstream,
    forwardToken: service.forwardToken,
    preserveHost: service.upstream.preserveHost,
    caseInsensitivePaths: service.upstream.caseInsensitivePaths,
    metrics: deps.metrics.service(service.name),
    policyKeys: policyKeysOf(tiers),
  });
}
