// Reads and validates the broker's YAML configuration. Errors name the option path, so an
// operator can fix the file without reading code. Relative paths are relative to the file.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type BrokerConfig, type BrokerConfigInput, brokerConfigSchema } from './schema.ts';

export class ConfigError extends Error {
  readonly code = 'config.invalid';
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super(`${source}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function parseBrokerConfig(input: unknown, source = 'config'): BrokerConfig {
  const result = brokerConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return deepFreeze(result.data);
}

export function loadBrokerConfigFile(
  path: string,
  overrides: Partial<BrokerConfigInput> = {},
): BrokerConfig {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true });
  } catch (error) {
    throw new ConfigError(path, [(error as Error).message]);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(path, ['(root): expected a mapping of options']);
  }
  const base = dirname(resolve(path));
  const raw = { ...(document as Record<string, unknown>), ...overrides };
  const config = parseBrokerConfig(raw, path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return deepFreeze({
    ...config,
    stateDir: rel(config.stateDir),
    loginPolicy:
      typeof config.loginPolicy === 'string' ? rel(config.loginPolicy) : config.loginPolicy,
    sts: { ...config.sts, caFile: config.sts.caFile ? rel(config.sts.caFile) : undefined },
    x509: config.x509 && {
      ...config.x509,
      trustDomains: config.x509.trustDomains.map((d) => ({
        ...d,
        bundleFile: d.bundleFile && rel(d.bundleFile),
        caFile: d.caFile && rel(d.caFile),
        crlFiles: d.crlFiles.map(rel),
      })),
      trustAnchors: config.x509.trustAnchors.map((a) => ({
        ...a,
        caFile: rel(a.caFile),
        crlFiles: a.crlFiles.map(rel),
      })),
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
