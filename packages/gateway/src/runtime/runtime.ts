// Everything a request needs, built from one validated config and swapped whole on reload: the
// route table, each service's runtime, the credential kinds and the upstream pools. A request
// keeps the runtime it started with, so a reload never changes the rules under a request in
// flight; a new runtime is only built when every policy compiles and every file reads.

import { ConfigError } from '@rolegate/core';
import type { ReplayCache } from '@rolegate/identity';
import type { Logger } from 'pino';
import { loadPolicies } from '../config/load-policies.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { Challenge } from '../http/refusal.ts';
import { strayStsOverrides } from '../identity/sts-kind.ts';
import type { GatewayMetrics } from '../ops/metrics.ts';
import { createUpstream, type Upstream, upstreamKey } from '../proxy/upstream.ts';
import { buildRouteTable, type RouteTable } from '../routing/route-table.ts';
import { buildCredentialKinds, type CredentialKinds } from './credential-kinds.ts';
import { buildServiceRuntime, type ServiceRuntime } from './service-runtime.ts';

export interface Runtime {
  readonly config: GatewayConfig;
  readonly routes: RouteTable<ServiceRuntime>;
  readonly services: readonly ServiceRuntime[];
  readonly kinds: CredentialKinds;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly challenge: Challenge;
}

export interface RuntimeDeps {
  readonly metrics: GatewayMetrics;
  readonly replay: ReplayCache;
  readonly source: string;
  readonly logger: Logger;
}

/** Builds a runtime; throws ConfigError (nothing is changed) when something cannot load. */
export function buildRuntime(
  config: GatewayConfig,
  previous: Runtime | undefined,
  deps: RuntimeDeps,
): Runtime {
  const stray = config.sts === undefined ? [] : strayStsOverrides(config.sts);
  if (stray.length > 0) {
    throw new ConfigError(
      deps.source,
      stray.map((h) => `sts.endpointOverrides.${h}: not an allowed STS host`),
    );
  }
  const policies = loadPolicies(config, deps.source);
  let kinds: CredentialKinds;
  try {
    kinds = buildCredentialKinds(config, previous?.kinds, deps.replay, deps.logger);
  } catch (error) {
    // A bad JWKS file, an unreadable CA bundle: the operator's to fix, named like any option.
    throw new ConfigError(deps.source, [`credentials: ${(error as Error).message}`]);
  }
  const upstreams = new Map<string, Upstream>();
  const created: Upstream[] = [];
  try {
    const services = config.services.map((service) => {
      const key = upstreamKey(service);
      let upstream = upstreams.get(key) ?? previous?.upstreams.get(key);
      if (upstream === undefined) {
        upstream = createUpstream(service);
        created.push(upstream);
      }
      upstreams.set(key, upstream);
      return buildServiceRuntime(service, {
        config,
        network: policies.network,
        policy: policies.services.get(service.name),
        upstream,
        metrics: deps.metrics,
      });
    });
    const routes = buildRouteTable(
      config.services.map((s, i) => ({
        hosts: s.listener.hosts,
        pathPrefix: s.listener.pathPrefix,
        target: services[i]!,
      })),
    );
    return {
      config,
      routes,
      services,
      kinds,
      upstreams,
      challenge: { realm: 'rolegate', sts: kinds.sts !== undefined },
    };
  } catch (error) {
    for (const upstream of created) void upstream.close();
    if (kinds.sts !== undefined && kinds.sts !== previous?.kinds.sts) void kinds.sts.kind.close();
    kinds.x509?.close();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(deps.source, [`services: ${(error as Error).message}`]);
  }
}

/** Closes what `previous` held and `next` no longer uses, once its requests are done. */
export async function retireRuntime(previous: Runtime, next: Runtime | undefined): Promise<void> {
  const closing: Promise<void>[] = [];
  for (const [key, upstream] of previous.upstreams) {
    if (next?.upstreams.get(key) !== upstream) closing.push(upstream.close());
  }
  const sts = previous.kinds.sts;
  if (sts !== undefined && next?.kinds.sts !== sts) closing.push(sts.kind.close());
  // Each runtime reads the trust files afresh, so its certificate kind is its own.
  if (previous.kinds.x509 !== next?.kinds.x509) previous.kinds.x509?.close();
  await Promise.allSettled(closing);
}
