// Reads and compiles every policy a config names — the service network's and each service's — all
// at once, so that a start or a reload either gets every policy or refuses with every problem
// listed (file, JSON path, rule). Policies are compiled once here; requests only evaluate them.

import { readFileSync } from 'node:fs';
import { ConfigError } from '@rolegate/core';
import {
  type CompiledPolicy,
  compilePolicy,
  PolicyError,
  PolicyValidationError,
} from '@rolegate/policy';
import type { GatewayConfig } from './schema.ts';

export interface LoadedPolicies {
  /** The service network's policy, evaluated for every AWS_IAM service, when configured. */
  readonly network: CompiledPolicy | undefined;
  /** Service name → its policy; an AWS_IAM service absent here denies everything. */
  readonly services: ReadonlyMap<string, CompiledPolicy>;
}

type PolicySource = string | Readonly<Record<string, unknown>>;

function compileOne(
  source: PolicySource,
  option: string,
  issues: string[],
): CompiledPolicy | undefined {
  const name = typeof source === 'string' ? source : option;
  let text: string;
  try {
    // Inline documents (from YAML) go through JSON text so that only JSON values reach the compiler.
    text = typeof source === 'string' ? readFileSync(source, 'utf8') : JSON.stringify(source);
  } catch (error) {
    issues.push(`${option}: cannot read ${name}: ${(error as Error).message}`);
    return undefined;
  }
  try {
    return compilePolicy(text, { name });
  } catch (error) {
    if (error instanceof PolicyValidationError) {
      for (const issue of error.issues) {
        issues.push(`${option} (${name}) ${issue.path}: ${issue.rule}: ${issue.message}`);
      }
      return undefined;
    }
    if (error instanceof PolicyError) {
      issues.push(`${option} (${name}): ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/** Compiles every policy of `config`; throws a ConfigError listing every problem. */
export function loadPolicies(config: GatewayConfig, source = 'config'): LoadedPolicies {
  const issues: string[] = [];
  const networkSource = config.serviceNetwork?.policy;
  const network =
    networkSource === undefined
      ? undefined
      : compileOne(networkSource, 'serviceNetwork.policy', issues);
  const services = new Map<string, CompiledPolicy>();
  config.services.forEach((service, i) => {
    if (service.policy === undefined) return;
    const compiled = compileOne(service.policy, `services.${i}.policy`, issues);
    if (compiled !== undefined) services.set(service.name, compiled);
  });
  if (issues.length > 0) throw new ConfigError(source, issues);
  return { network, services };
}
