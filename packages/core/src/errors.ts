// One error model for every rolegate package. Each package keeps a registry of its codes —
// `<PACKAGE>_ERRORS`, `{ status, wire?, description }` per code — and one subclass of
// RolegateError typed to those codes, naming its registry in a static field (no constructor of
// its own: `class IdentityError extends RolegateError<IdentityErrorCode> { static override
// readonly registry = IDENTITY_ERRORS }`). Codes are `group.snake_case`, stable: callers, dashboards
// and tests branch on them, never on messages; a retired code is never reused. `message` is the
// precise reason, for logs only; an answer on the wire carries the code's fixed description.
// Misuse of a library API (a wrong option, a wrong argument type) is a TypeError instead: no
// input a service receives can cause it.

/** What a code means on the wire. */
export interface ErrorSpec {
  /** The HTTP status an answer carries (for errors that never reach HTTP: what they would be). */
  readonly status: number;
  /** The `error` member of an answer (RFC 6749 §5.2, RFC 6750 §3.1, …); absent where none is sent. */
  readonly wire?: string;
  /** Sent as `error_description`: fixed printable ASCII, never the precise reason. */
  readonly description: string;
}

export type ErrorRegistry<C extends string = string> = { readonly [K in C]: ErrorSpec };

/** One registry row; `wire` left out when it is undefined. */
export function errorSpec<const S extends number, const W extends string>(
  status: S,
  wire: W | undefined,
  description: string,
): { readonly status: S; readonly wire?: W; readonly description: string } {
  return wire === undefined ? { status, description } : { status, wire, description };
}

export interface RolegateErrorOptions {
  readonly cause?: unknown;
  /** Seconds a client should wait before retrying (429, 503). */
  readonly retryAfterSeconds?: number | undefined;
  /** A status other than the code's own (a client error relaying a server's answer). */
  readonly status?: number | undefined;
}

export class RolegateError<C extends string = string> extends Error {
  /** The codes this class may carry; each subclass names its package's registry. */
  static readonly registry: ErrorRegistry = {};

  readonly code: C;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  /** The registry row of `code`: status, wire error and fixed description. */
  readonly spec: ErrorSpec;

  constructor(code: C, message?: string, options: RolegateErrorOptions = {}) {
    const spec = (new.target as typeof RolegateError).registry[code];
    if (spec === undefined) throw new TypeError(`${new.target.name}: unknown code ${code}`);
    super(
      message ?? spec.description,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.code = code;
    this.spec = spec;
    this.status = options.status ?? spec.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isRolegateError(value: unknown): value is RolegateError {
  return value instanceof RolegateError;
}

/** The code of {@link ConfigError}. */
export const CONFIG_ERRORS = {
  'config.invalid': { status: 500, description: 'the configuration is invalid' },
} as const satisfies ErrorRegistry;

/** A configuration that cannot be used: every problem found, each naming its option path. */
export class ConfigError extends RolegateError<'config.invalid'> {
  static override readonly registry = CONFIG_ERRORS;
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[], options?: RolegateErrorOptions) {
    super(
      'config.invalid',
      `${source}: invalid configuration\n${issues.map((i) => `  - ${i}`).join('\n')}`,
      options,
    );
    this.issues = issues;
  }
}
