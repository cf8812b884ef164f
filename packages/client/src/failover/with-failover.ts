// Runs one exchange against a pool of brokers: the chosen broker first, then — on a failure that
// is about that broker (./failover-policy.ts) — the next, after a jittered back-off, never past a
// broker's Retry-After, never more than maxAttempts times and never past the deadline, so a caller
// cannot hang. When every attempt failed, one error with a stable code (client.all_brokers_failed)
// lists each broker's last outcome; the messages are the client's own (no proof, token or
// credential is ever in them). A pool of one broker throws that broker's last error as it was.
import { RolegateClientError } from '../errors.ts';
import type { BrokerPool } from './broker-pool.ts';
import { backoffMs, type ResolvedFailover, verdictOf } from './failover-policy.ts';

export interface Attempt {
  readonly brokerUrl: string;
  /** This attempt's time: the attempt timeout, or what remains of the deadline if less. */
  readonly timeoutMs: number;
}

export async function withFailover<T>(
  pool: BrokerPool,
  options: ResolvedFailover,
  attempt: (at: Attempt) => Promise<T>,
): Promise<T> {
  const { now, sleep } = options;
  const deadline = now() + options.deadlineMs;
  const tried = new Set<string>();
  const outcomes = new Map<string, string>();
  let lastError: unknown;
  let retryAfterMs: number | undefined;
  for (let n = 1; n <= options.maxAttempts; n++) {
    const choice = pool.next(tried);
    if (n > 1) {
      const jitter = backoffMs(n - 1, {
        baseMs: options.backoffBaseMs,
        maxMs: options.backoffMaxMs,
        random: options.random,
      });
      const wait = Math.max(jitter, choice.notBefore - now());
      // A wait that would end past the deadline is not started: fail now, with what we know.
      if (now() + wait >= deadline) break;
      if (wait > 0) await sleep(wait);
    }
    const remaining = deadline - now();
    if (remaining <= 0) break;
    tried.add(choice.url);
    try {
      const result = await attempt({
        brokerUrl: choice.url,
        timeoutMs: Math.min(options.attemptTimeoutMs, remaining),
      });
      pool.succeeded(choice.url);
      return result;
    } catch (error) {
      const verdict = verdictOf(error);
      if (!verdict.moveOn) throw error;
      pool.failed(choice.url, verdict.retryAfterMs);
      lastError = error;
      if (verdict.retryAfterMs !== undefined)
        retryAfterMs = Math.min(retryAfterMs ?? Infinity, verdict.retryAfterMs);
      const failure = error as RolegateClientError;
      outcomes.set(choice.url, `${failure.code}: ${failure.message}`);
      try {
        options.onFailover?.({
          brokerUrl: choice.url,
          code: failure.code,
          message: failure.message,
          attempt: n,
        });
      } catch {
        // A log hook that throws must not turn a failover into a failure.
      }
    }
  }
  // One broker has nothing to list: its own error, with the code callers already branch on.
  if (pool.urls.length === 1 && lastError !== undefined) throw lastError;
  throw allFailed(pool.urls, outcomes, lastError, retryAfterMs);
}

function allFailed(
  urls: readonly string[],
  outcomes: ReadonlyMap<string, string>,
  lastError: unknown,
  retryAfterMs: number | undefined,
): RolegateClientError {
  const lines = urls.map(
    (url) => `${url}: ${outcomes.get(url) ?? 'not tried (attempts or deadline used up)'}`,
  );
  const what = urls.length === 1 ? 'the broker' : `all ${urls.length} brokers`;
  return new RolegateClientError(
    'client.all_brokers_failed',
    `${what} failed: ${lines.join('; ')}`,
    {
      cause: lastError,
      retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
    },
  );
}
