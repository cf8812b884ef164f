// When an exchange moves on to another broker, and how long it waits first.
//
// The rule: a failure that is about *this broker* moves on — it cannot be reached (refused, DNS,
// reset, timed out, TLS), it is unavailable (5xx: 503 with or without Retry-After, a proxy's
// 502/504, a 500), or its answer is unusable (no token, another issuer). A failure that is about
// *the caller* stops, because every broker would answer the same: a refused proof, the login
// policy, a malformed request — and 429. The broker's 429 is its per-address rate limit (or STS
// throttling the account all brokers share): moving to another replica would multiply the
// allowance the operator set, so the caller backs off instead (Retry-After, in TokenSource).
//
// Nothing here ever resends a subject token: every attempt makes a new one (./broker-login.ts).
import { RolegateClientError } from '../errors.ts';

export interface FailoverOptions {
  /** Attempts in one exchange, over all brokers; default twice the number of brokers (≥ 2). */
  readonly maxAttempts?: number;
  /** The whole exchange — attempts and waits — ends within this; default 30 s. */
  readonly deadlineMs?: number;
  /** One attempt's own time (cut to what remains of the deadline); default 10 s. */
  readonly attemptTimeoutMs?: number;
  /** Back-off before each further attempt: full jitter over min(max, base × 2ⁿ); 200 ms, 5 s. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** How long a failed broker is passed over while others answer; default 30 s. */
  readonly passOverMs?: number;
  /** Told of each failed attempt that the exchange moves on from (for a log line or a metric). */
  readonly onFailover?: (event: FailoverEvent) => void;
  /** Test seams: the clock, the wait and the jitter source. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface FailoverEvent {
  readonly brokerUrl: string;
  /** The failure's stable code (client.broker_unreachable, client.broker_rejected, …). */
  readonly code: string;
  readonly message: string;
  /** 1-based. */
  readonly attempt: number;
}

export interface Verdict {
  readonly moveOn: boolean;
  /** The broker's Retry-After, in ms. */
  readonly retryAfterMs?: number;
}

/** Broker statuses that say "this broker, now" rather than "this request". */
const BROKER_SIDE_STATUSES = new Set([500, 502, 503, 504]);
const BROKER_SIDE_CODES = new Set([
  'client.broker_unreachable',
  'client.broker_bad_response',
  'client.issuer_mismatch',
]);

export function verdictOf(error: unknown): Verdict {
  if (!(error instanceof RolegateClientError)) return { moveOn: false };
  const retryAfterMs =
    error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;
  if (BROKER_SIDE_CODES.has(error.code)) return { moveOn: true, retryAfterMs };
  if (error.code === 'client.broker_rejected' && BROKER_SIDE_STATUSES.has(error.status))
    return { moveOn: true, retryAfterMs };
  return { moveOn: false };
}

/** "Full jitter" (AWS Architecture Blog, 2015): uniform in [0, min(max, base × 2^(retry-1))]. */
export function backoffMs(
  retry: number,
  options: { baseMs: number; maxMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(options.random() * ceiling);
}

export interface ResolvedFailover {
  readonly maxAttempts: number;
  readonly deadlineMs: number;
  readonly attemptTimeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly onFailover?: (event: FailoverEvent) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Defaults filled in and checked once, when the provider is built (a TypeError on misuse). */
export function resolveFailover(options: FailoverOptions, brokers: number): ResolvedFailover {
  const resolved: ResolvedFailover = {
    maxAttempts: options.maxAttempts ?? Math.max(2, 2 * brokers),
    deadlineMs: options.deadlineMs ?? 30_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 10_000,
    backoffBaseMs: options.backoffBaseMs ?? 200,
    backoffMaxMs: options.backoffMaxMs ?? 5_000,
    onFailover: options.onFailover,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
  const { maxAttempts, deadlineMs, attemptTimeoutMs, backoffBaseMs, backoffMaxMs } = resolved;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new TypeError('failover.maxAttempts must be an integer ≥ 1');
  for (const [name, value] of Object.entries({ deadlineMs, attemptTimeoutMs, backoffMaxMs }))
    if (!(value > 0)) throw new TypeError(`failover.${name} must be > 0`);
  if (!(backoffBaseMs >= 0)) throw new TypeError('failover.backoffBaseMs must be ≥ 0');
  return resolved;
}
