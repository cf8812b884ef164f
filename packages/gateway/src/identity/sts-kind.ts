// Raw presigned STS proofs (`Authorization: RoleGate-STS rgsts1.…`), the "no broker" mode: the
// gateway lets STS confirm each proof itself, with the broker's own validation code (offline
// allow-list checks, rebuilt request, strict answer reading, identity cross-checks) and its replay
// cache. A proof names the audience it was made for in its signed `x-rolegate-audience` header;
// the gateway sends STS the service's login audience, so a proof made for another service or
// broker fails at STS. A proof works once: each request needs a new one.

import { readFileSync } from 'node:fs';
import type { Principal } from '@rolegate/core';
import {
  buildStsAllowList,
  isIdentityError,
  type ReplayCache,
  StsCaller,
  StsLogin,
} from '@rolegate/identity';
import type { GatewayConfig } from '../config/schema.ts';
import { fromIdentityError } from '../errors/gateway-error.ts';
import type { CredentialAudience, CredentialKind } from './credential.ts';
import { principalFromSts } from './sts-principal.ts';

type StsConfig = NonNullable<GatewayConfig['sts']>;

export interface StsKind extends CredentialKind {
  close(): Promise<void>;
}

/**
 * The STS-proof kind. `replay` outlives any one configuration: a reload must not forget which
 * proofs were already used.
 */
export function createStsKind(sts: StsConfig, replay: ReplayCache, now = Date.now): StsKind {
  const caller = new StsCaller({
    connectTimeoutMs: sts.connectTimeoutMs,
    totalTimeoutMs: sts.timeoutMs,
    maxBodyBytes: 64 * 1024,
    ca: sts.caFile === undefined ? undefined : readFileSync(sts.caFile, 'utf8'),
    overrides: sts.endpointOverrides,
  });
  const allowList = buildStsAllowList({
    partitions: sts.partitions,
    regions: sts.regions,
    global: sts.globalEndpoint,
    fips: sts.fips,
    dualStack: sts.dualStack,
  });
  // One login per audience: StsLogin sends STS the audience it was built with.
  const logins = new Map<string, StsLogin>();
  const loginFor = (audience: string): StsLogin => {
    let login = logins.get(audience);
    if (login === undefined) {
      login = new StsLogin({
        allowList,
        caller,
        replay,
        loginAudience: audience,
        principalRules: sts.principals,
        maxFutureSkewSeconds: sts.maxFutureSkewSeconds,
        now,
      });
      logins.set(audience, login);
    }
    return login;
  };

  return Object.freeze({
    name: 'sts' as const,
    scheme: 'rolegate-sts',
    async authenticate(proof: string, service: CredentialAudience): Promise<Principal> {
      try {
        const result = await loginFor(service.loginAudience).authenticate(proof);
        return principalFromSts(result, service.loginAudience);
      } catch (error) {
        if (isIdentityError(error)) throw fromIdentityError(error);
        throw error;
      }
    },
    async warmUp(): Promise<boolean> {
      return true;
    },
    async close(): Promise<void> {
      await caller.close();
    },
  });
}

/** Hosts named in `endpointOverrides` that no proof may name: a typo would be silently ignored. */
export function strayStsOverrides(sts: StsConfig): string[] {
  const allowList = buildStsAllowList({
    partitions: sts.partitions,
    regions: sts.regions,
    global: sts.globalEndpoint,
    fips: sts.fips,
    dualStack: sts.dualStack,
  });
  return Object.keys(sts.endpointOverrides).filter((h) => h !== '*' && !allowList.has(h));
}
