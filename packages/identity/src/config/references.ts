// `${env:NAME}` and `${file:/absolute/path}` in a config file's string values, so a secret (the
// Redis password, a KMS endpoint per environment) need not be written into the YAML itself.
//
// Only the config loader calls this, on a document it read from a config file: no request, token
// or proof ever reaches this code, so a caller cannot make the server read a file or an
// environment variable. Rules, documented in docs/broker.md ("Values from the environment and
// files"):
// - a reference may be the whole value or part of a string (`rediss://:${env:PW}@cache:6380`);
//   the result is always a string;
// - only `${env:` and `${file:` start a reference: every other `${…}` is text, because config
//   files hold IAM policies, whose variables (`${aws:PrincipalTag/team}`, `${*}`) must reach the
//   policy engine byte for byte; `${ENV:…}` in another case is an error, not text;
// - `$${env:` and `$${file:` write a literal `${env:` and `${file:`;
// - a file's contents lose one trailing newline (`\n` or `\r\n`) and may be at most 64 KiB;
// - a resolved value is never scanned again: a variable holding `${env:X}` stays those characters;
// - keys are never resolved: a reference in a key is an error;
// - errors name the option path and the reference, never the value it resolved to.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** Largest file a `${file:…}` reference reads (a password, a token, a PEM certificate). */
export const MAX_REFERENCED_FILE_BYTES = 64 * 1024;

export interface ResolveReferencesOptions {
  /** Where `${env:NAME}` looks. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// `$${env:` / `$${file:` (escape), or `${env:` / `${file:` (in any case, so a wrongly cased one is
// reported) and what follows up to the next `}` (or the end of the string).
const TOKEN = /\$\$\{(?=(?:env|file):)|\$\{((?:env|file):[^}]*)(\}?)/gi;
const REFERENCE_IN_KEY = /\$\{(?:env|file):/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Resolved = { readonly value: string } | { readonly problem: string };

/**
 * A copy of a parsed config document with every reference in its string values resolved. Returns
 * the problems (one line each, `path: what`) instead of throwing, so the loader reports them all.
 */
export function resolveConfigReferences(
  document: unknown,
  options: ResolveReferencesOptions = {},
): { readonly value: unknown; readonly problems: readonly string[] } {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const walk = (value: unknown, path: readonly string[]): unknown => {
    if (typeof value === 'string') return resolveString(value, path, env, problems);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, String(i)]));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (REFERENCE_IN_KEY.test(key)) {
        problems.push(`${dotted([...path, key])}: a reference in a key is not allowed`);
      }
      out[key] = walk(item, [...path, key]);
    }
    return out;
  };
  return { value: walk(document, []), problems };
}

function resolveString(
  text: string,
  path: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): string {
  if (!text.includes('${')) return text;
  // One pass of replace: what a reference resolves to is pasted in and never looked at again.
  return text.replace(TOKEN, (whole: string, body: string | undefined, closed: string) => {
    if (whole === '$${') return '${';
    const resolved = closed === '}' ? resolveReference(body ?? '', env) : unclosed();
    if ('value' in resolved) return resolved.value;
    problems.push(`${dotted(path)}: ${resolved.problem}`);
    return '';
  });
}

function unclosed(): Resolved {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the reference syntax.
  return { problem: 'a `${env:` or `${file:` without its `}` (`$${` before it for literal text)' };
}

function resolveReference(
  body: string,
  env: Readonly<Record<string, string | undefined>>,
): Resolved {
  const colon = body.indexOf(':');
  const kind = colon < 0 ? '' : body.slice(0, colon);
  const target = body.slice(colon + 1);
  if (kind === 'env') {
    if (!ENV_NAME.test(target)) {
      return { problem: `\${env:${target}}: a variable name is [A-Za-z_][A-Za-z0-9_]*` };
    }
    const value = env[target];
    return value === undefined ? { problem: `\${env:${target}} is not set` } : { value };
  }
  if (kind === 'file') {
    if (!isAbsolute(target)) return { problem: `\${file:${target}}: the path must be absolute` };
    return readReferencedFile(target);
  }
  // Only a wrongly cased `env` / `file` gets here (the pattern admits no other kind).
  return { problem: `\${${body}}: write \`env\` and \`file\` in lower case` };
}

function readReferencedFile(path: string): Resolved {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `\${file:${path}} is not a regular file` };
    // Read one byte past the limit rather than trusting the size: a file may grow meanwhile.
    const buffer = Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_REFERENCED_FILE_BYTES) {
      return { problem: `\${file:${path}} is larger than ${MAX_REFERENCED_FILE_BYTES} bytes` };
    }
    return { value: buffer.toString('utf8', 0, length).replace(/\r?\n$/, '') };
  } catch (error) {
    // The code only (ENOENT, EACCES): enough to act on, and never any of the file's contents.
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problem: `\${file:${path}} cannot be read (${code})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function dotted(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}
