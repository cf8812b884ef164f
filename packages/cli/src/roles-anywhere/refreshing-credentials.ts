// Session credentials kept for as long as they are good, for `serve`: every request of every SDK
// client reads them here, and only one of them at a time makes the signer create a new session.

import {
  type CredentialsFetcher,
  checkCredentials,
  checkRefreshAhead,
  refreshDueAt,
  retryDelayMs,
  type SessionCredentials,
} from './session-credentials.ts';

export interface RefreshingCredentialsOptions {
  /** Replace credentials this long before they expire; 5 minutes, as AWS's helper. */
  readonly refreshAheadMs?: number;
  /** The clock, in epoch milliseconds (tests move it). */
  readonly now?: () => number;
}

interface Held {
  readonly credentials: SessionCredentials;
  readonly refreshAt: number;
}

/**
 * A memoizer over a {@link CredentialsFetcher}, in the manner of smithy's `memoize`:
 * - credentials are served from memory until `refreshAheadMs` before they expire (or half their
 *   life, for sessions too short for that; see `refreshDueAt`);
 * - concurrent `get()` calls share one fetch;
 * - when a refresh fails while the held credentials are still valid, those are served, and the
 *   next refresh waits a back-off (1 s, doubling, at most a minute) so a broken endpoint is not
 *   called on every request;
 * - when nothing valid is held, `get()` rejects with the fetcher's own error, and the next call
 *   tries again at once.
 *
 * AWS's helper instead refreshes inside the request, with no sharing and no back-off, and on a
 * failure answers with empty credentials.
 */
export class RefreshingCredentials {
  readonly #fetch: CredentialsFetcher;
  readonly #refreshAheadMs: number;
  readonly #now: () => number;
  #held: Held | undefined;
  #inFlight: Promise<SessionCredentials> | undefined;
  #failures = 0;
  #retryAt = 0;

  constructor(fetch: CredentialsFetcher, options: RefreshingCredentialsOptions = {}) {
    if (typeof fetch !== 'function') throw new TypeError('fetch must be a function');
    this.#fetch = fetch;
    this.#refreshAheadMs = checkRefreshAhead(options.refreshAheadMs);
    this.#now = options.now ?? Date.now;
  }

  /** Credentials valid now, fetching new ones when they are due. */
  async get(): Promise<SessionCredentials> {
    const now = this.#now();
    const held = this.#held;
    if (held !== undefined && now < held.refreshAt) return held.credentials;

    const stillValid = held !== undefined && now < held.credentials.expiration.getTime();
    if (!stillValid) return this.#refresh();
    if (now < this.#retryAt && this.#inFlight === undefined) return held.credentials;
    try {
      return await this.#refresh();
    } catch {
      // Counted and backed off in #refresh; whoever needs to see the error has it from there.
      return held.credentials;
    }
  }

  /** The one fetch in flight, started if there is none. */
  #refresh(): Promise<SessionCredentials> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    const flight = (async () => {
      const fetchedAt = this.#now();
      try {
        const credentials = checkCredentials(await this.#fetch());
        const refreshAt = refreshDueAt(credentials, fetchedAt, this.#refreshAheadMs);
        this.#held = { credentials, refreshAt };
        this.#failures = 0;
        this.#retryAt = 0;
        return credentials;
      } catch (error) {
        this.#failures += 1;
        this.#retryAt = this.#now() + retryDelayMs(this.#failures);
        throw error;
      }
    })();
    this.#inFlight = flight;
    const settle = () => {
      if (this.#inFlight === flight) this.#inFlight = undefined;
    };
    flight.then(settle, settle);
    return flight;
  }
}
