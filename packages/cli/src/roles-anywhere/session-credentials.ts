// The credentials a Roles Anywhere session hands out, as the signer returns them, and when to
// fetch new ones. `serve` and `update` share this policy, so both refresh at the same moment AWS's
// aws_signing_helper does.

/** Temporary AWS credentials of one Roles Anywhere session. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Creates a session; rejects with a RolegateError subclass whose `code` says why. */
export type CredentialsFetcher = () => Promise<SessionCredentials>;

/**
 * How long before expiry credentials are replaced: five minutes, AWS's `RefreshTime` (serve.go)
 * and `UpdateRefreshTime` (update.go).
 */
export const DEFAULT_REFRESH_AHEAD_MS = 5 * 60_000;

/** The longest back-off between two failed refreshes. */
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * When credentials fetched at `fetchedAt` are due for replacement: `refreshAheadMs` before they
 * expire, but never before half their life has passed — a session shorter than twice the
 * refresh-ahead (or one already expired) would otherwise be replaced on every call, hammering the
 * endpoint. Sessions of Roles Anywhere last 15 minutes at least, so with the default the first
 * rule always decides.
 */
export function refreshDueAt(
  credentials: SessionCredentials,
  fetchedAt: number,
  refreshAheadMs: number,
): number {
  const expiresAt = credentials.expiration.getTime();
  return Math.max(expiresAt - refreshAheadMs, fetchedAt + (expiresAt - fetchedAt) / 2);
}

/** The wait after the `failures`-th refresh in a row failed: 1 s, doubling, at most a minute. */
export function retryDelayMs(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), MAX_RETRY_DELAY_MS);
}

/** `refreshAheadMs` as given, or a TypeError: a caller's mistake, not input from outside. */
export function checkRefreshAhead(refreshAheadMs: number | undefined): number {
  const value = refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
  if (!Number.isFinite(value) || value < 0)
    throw new TypeError('refreshAheadMs must be a finite number of milliseconds, 0 or more');
  return value;
}

/** Credentials whose expiration is a real date, or a TypeError naming the broken field. */
export function checkCredentials(credentials: SessionCredentials): SessionCredentials {
  for (const field of ['accessKeyId', 'secretAccessKey', 'sessionToken'] as const) {
    if (typeof credentials?.[field] !== 'string' || credentials[field] === '')
      throw new TypeError(`the fetched credentials have no ${field}`);
  }
  if (!(credentials.expiration instanceof Date) || Number.isNaN(credentials.expiration.getTime()))
    throw new TypeError('the fetched credentials have no valid expiration');
  return credentials;
}
