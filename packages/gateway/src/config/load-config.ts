// Reads and validates the gateway's YAML configuration. Errors name the option path, so an operator
// can fix the file without reading code. Relative file paths are relative to the config file.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type GatewayConfig, gatewayConfigSchema } from './schema.ts';

export class GatewayConfigError extends Error {
  readonly code = 'config.invalid';
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'GatewayConfigError';
    this.issues = issues;
  }
}

export interface ParseConfigOptions {
  /** Named in error messages. Default `config`. */
  readonly source?: string;
  /** Relative file paths in the config are resolved against this folder. Default: as given. */
  readonly baseDir?: string;
}

/** Validates a config object (as read from YAML or written in code), fills defaults, freezes it. */
export function parseGatewayConfig(
  input: unknown,
  options: ParseConfigOptions = {},
): GatewayConfig {
  const source = options.source ?? 'config';
  const result = gatewayConfigSchema.safeParse(input);
  if (!result.success) {
    throw new GatewayConfigError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const base = options.baseDir;
  const config = base === undefined ? result.data : resolvePaths(result.data, base);
  return deepFreeze(config);
}

export function loadGatewayConfigFile(path: string): GatewayConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true });
  } catch (error) {
    throw new GatewayConfigError(path, [(error as Error).message]);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new GatewayConfigError(path, ['(root): expected a mapping of options']);
  }
  return parseGatewayConfig(document, { source: path, baseDir: dirname(resolve(path)) });
}

type MutableConfig = { -readonly [K in keyof GatewayConfig]: GatewayConfig[K] };

function resolvePaths(config: MutableConfig, base: string): MutableConfig {
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const relOpt = (p: string | undefined) => (p === undefined ? undefined : rel(p));
  const policy = <T>(p: string | T): string | T => (typeof p === 'string' ? rel(p) : p);
  return {
    ...config,
    listeners: config.listeners.map((l) =>
      l.tls === undefined
        ? l
        : { ...l, tls: { certFile: rel(l.tls.certFile), keyFile: rel(l.tls.keyFile) } },
    ),
    jwt: config.jwt && { ...config.jwt, jwksFile: relOpt(config.jwt.jwksFile) },
    sts: config.sts && { ...config.sts, caFile: relOpt(config.sts.caFile) },
    serviceNetwork: config.serviceNetwork && {
      ...config.serviceNetwork,
      policy: config.serviceNetwork.policy && policy(config.serviceNetwork.policy),
    },
    services: config.services.map((s) => ({
      ...s,
      policy: s.policy && policy(s.policy),
      upstream: { ...s.upstream, caFile: relOpt(s.upstream.caFile) },
    })),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
