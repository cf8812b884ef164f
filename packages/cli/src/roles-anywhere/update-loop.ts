// `rolegate roles-anywhere update` without --once: keeps a profile of the credentials file
// holding valid credentials, as AWS's `aws_signing_helper update` does.

import { setTimeout as sleep } from 'node:timers/promises';
import { writeProfileCredentials } from './credentials-file.ts';
import {
  type CredentialsFetcher,
  checkRefreshAhead,
  refreshDueAt,
  retryDelayMs,
  type SessionCredentials,
} from './session-credentials.ts';

/**
 * The longest single wait. Timers do not run while a laptop sleeps, so a wait of hours could end
 * long after the credentials expired; waking every minute re-reads the wall clock.
 */
const MAX_SLEEP_MS = 60_000;

export interface UpdateLoopOptions {
  readonly fetch: CredentialsFetcher;
  /** The credentials file (see defaultCredentialsPath). */
  readonly path: string;
  readonly profile: string;
  /** Rewrite this long before the credentials expire; 5 minutes, as AWS's helper. */
  readonly refreshAheadMs?: number;
  /** Ends the loop; a fetch or write under way finishes first. */
  readonly signal: AbortSignal;
  /** After each successful write. */
  readonly onUpdate?: (credentials: SessionCredentials) => void;
  /** After each failed refresh (the loop retries). */
  readonly onError?: (error: unknown) => void;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
}

/**
 * Writes the profile now — rejecting if that first write fails, so a wrong certificate or ARN
 * stops the command — then again `refreshAheadMs` before each expiry until `signal` aborts. A
 * failed refresh is retried after 1 s, doubling to a minute, while the file keeps the last
 * credentials; AWS's helper exits instead.
 */
export async function runUpdateLoop(options: UpdateLoopOptions): Promise<void> {
  const refreshAheadMs = checkRefreshAhead(options.refreshAheadMs);
  const now = options.now ?? Date.now;
  const { signal } = options;
  if (signal.aborted) return;

  const update = async (): Promise<number> => {
    const fetchedAt = now();
    const credentials = await options.fetch();
    await writeProfileCredentials({ path: options.path, profile: options.profile, credentials });
    options.onUpdate?.(credentials);
    return refreshDueAt(credentials, fetchedAt, refreshAheadMs);
  };

  let dueAt = await update();
  let failures = 0;
  while (await waitUntil(dueAt, now, signal)) {
    try {
      dueAt = await update();
      failures = 0;
    } catch (error) {
      options.onError?.(error);
      failures += 1;
      dueAt = now() + retryDelayMs(failures);
    }
  }
}

/** Waits until the wall clock reaches `dueAt`; false when `signal` aborts first. */
async function waitUntil(dueAt: number, now: () => number, signal: AbortSignal): Promise<boolean> {
  for (let left = dueAt - now(); left > 0; left = dueAt - now()) {
    try {
      await sleep(Math.min(left, MAX_SLEEP_MS), undefined, { signal });
    } catch {
      return false; // aborted
    }
  }
  return !signal.aborted;
}
