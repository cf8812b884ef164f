// The one config loader of rolegate: YAML in (duplicate keys refused), a zod schema's checks, file
// paths made relative to the config file, frozen out. A file may take values from the environment
// and other files (`${env:NAME}`, `${file:/path}`: ./references.ts), resolved after the YAML is
// read and before the schema sees it. Each schema declares its file-path fields
// beside it (`*_FILE_FIELDS`, dotted paths with `*` for any array index or record key), so no
// loader can forget one. Errors name the option path, so an operator can fix the file without
// reading code.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@rolegate/core';
import { parse as parseYaml } from 'yaml';
import { type ResolveReferencesOptions, resolveConfigReferences } from './references.ts';
import { describeUnknownKeys } from './unknown-keys.ts';

/** What the loader needs of a schema: zod's safeParse. */
export interface ConfigSchema<T> {
  safeParse(input: unknown):
    | { readonly success: true; readonly data: T }
    | {
        readonly success: false;
        readonly error: {
          readonly issues: readonly {
            path: readonly PropertyKey[];
            message: string;
            code?: string;
            keys?: readonly string[];
          }[];
        };
      };
}

export interface ParseConfigOptions {
  /** Named in error messages. Default `config`. */
  readonly source?: string | undefined;
  /** Relative file paths in the config are resolved against this folder. Default: as given. */
  readonly baseDir?: string | undefined;
  /** The schema's file-path fields (dotted, `*` for any index or key). */
  readonly filePaths?: readonly string[] | undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A copy of `value` with the string at each path matching `pattern` passed through `fix`. */
function rebase(value: unknown, pattern: readonly string[], fix: (p: string) => string): unknown {
  if (pattern.length === 0) return typeof value === 'string' ? fix(value) : value;
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = pattern as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head !== '*') return value;
    return value.map((item) => rebase(item, rest, fix));
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of head === '*' ? Object.keys(out) : [head]) {
    if (key in out) out[key] = rebase(out[key], rest, fix);
  }
  return out;
}

/** Validates a config object (as read from YAML or written in code), fills defaults, freezes it. */
export function parseConfig<T>(
  schema: ConfigSchema<T>,
  input: unknown,
  options: ParseConfigOptions = {},
): Readonly<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      options.source ?? 'config',
      result.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys' && issue.keys !== undefined
          ? describeUnknownKeys(schema, issue.path, issue.keys)
          : [`${issue.path.join('.') || '(root)'}: ${issue.message}`],
      ),
    );
  }
  let config: unknown = result.data;
  const base = options.baseDir;
  if (base !== undefined) {
    const fix = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
    for (const field of options.filePaths ?? []) config = rebase(config, field.split('.'), fix);
  }
  return deepFreeze(config as T);
}

/** Reads a YAML mapping from `path`; throws ConfigError for unreadable or non-mapping text. */
export function readConfigDocument(path: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'), { uniqueKeys: true });
  } catch (error) {
    throw new ConfigError(path, [(error as Error).message]);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(path, ['(root): expected a mapping of options']);
  }
  return document as Record<string, unknown>;
}

export interface LoadConfigFileOptions {
  /** The schema's file-path fields (dotted, `*` for any index or key). */
  readonly filePaths?: readonly string[];
  /** Values set in code or by flags; applied after references are resolved, never scanned. */
  readonly overrides?: object;
  /** Where `${env:NAME}` looks. Default `process.env`. */
  readonly env?: ResolveReferencesOptions['env'];
}

/**
 * Reads, resolves references in, validates and freezes the YAML config at `path`, file paths
 * made relative to it.
 */
export function loadConfigFile<T>(
  schema: ConfigSchema<T>,
  path: string,
  options: LoadConfigFileOptions = {},
): Readonly<T> {
  const resolved = resolveConfigReferences(readConfigDocument(path), { env: options.env });
  if (resolved.problems.length > 0) throw new ConfigError(path, resolved.problems);
  const document = { ...(resolved.value as Record<string, unknown>), ...options.overrides };
  return parseConfig(schema, document, {
    source: path,
    baseDir: dirname(resolve(path)),
    filePaths: options.filePaths,
  });
}
