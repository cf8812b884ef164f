// Tokens without thinking about expiry: one cached token per audience, refreshed ahead of expiry
// in the background while the current one still serves, concurrent callers coalesced onto one
// request, and failures backed off (honouring Retry-After) instead of hammering the broker.
import { RolegateClientError } from '../errors.ts';
import type { IssuedToken } from '../token-exchange.ts';
import { type TokenProvider, TokenProviderSkipped } from './token-provider.ts';

export interface TokenSourceOptions {
  readonly provider: TokenProvider;
  /** Refresh when less than this fraction of the lifetime remains (default 0.25, at least 60 s). */
  readonly refreshAheadFraction?: number;
  /** Back-off after a failure: doubles from min to max, with jitter. Default 1 s … 60 s. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly now?: () => number;
}

interface Entry {
  token?: IssuedToken;
  obtainedAt: number;
  inflight?: Promise<IssuedToken>;
  failures: number;
  nextAttemptAt: number;
  lastError?: unknown;
}

// A token this close to expiry is not handed out: it could expire on the wire.
const EXPIRY_MARGIN_MS = 5_000;

export class TokenSource {
  readonly #provider: TokenProvider;
  readonly #fraction: number;
  readonly #minBackoff: number;
  readonly #maxBackoff: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TokenSourceOptions) {
    if (typeof options?.provider !== 'function')
      throw new TypeError('TokenSource needs a provider');
    this.#provider = options.provider;
    this.#fraction = options.refreshAheadFraction ?? 0.25;
    this.#minBackoff = options.minBackoffMs ?? 1_000;
    this.#maxBackoff = options.maxBackoffMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#fraction > 0 && this.#fraction < 1))
      throw new TypeError('refreshAheadFraction must be in (0, 1)');
  }

  /** A valid access token for `audience`. */
  async getToken(audience: string): Promise<string> {
    return (await this.getIssuedToken(audience)).accessToken;
  }

  async getIssuedToken(audience: string): Promise<IssuedToken> {
    const entry = this.#entry(audience);
    const now = this.#now();
    const token = entry.token;
    if (token && now < token.expiresAt.getTime() - EXPIRY_MARGIN_MS) {
      if (now >= this.#refreshAt(entry, token) && !entry.inflight && now >= entry.nextAttemptAt) {
        // Refresh in the background; the current token still serves. Failures are recorded.
        this.#refresh(audience, entry).catch(() => {});
      }
      return token;
    }
    if (entry.inflight) return entry.inflight;
    if (now < entry.nextAttemptAt && entry.lastError) throw entry.lastError;
    return this.#refresh(audience, entry);
  }

  /** Forgets the token for an audience (e.g. after the service answered 401). */
  invalidate(audience: string): void {
    const entry = this.#entries.get(audience);
    if (entry) entry.token = undefined;
  }

  #entry(audience: string): Entry {
    let entry = this.#entries.get(audience);
    if (!entry) {
      entry = { obtainedAt: 0, failures: 0, nextAttemptAt: 0 };
      this.#entries.set(audience, entry);
    }
    return entry;
  }

  #refreshAt(entry: Entry, token: IssuedToken): number {
    const expires = token.expiresAt.getTime();
    const ahead = Math.max(60_000, (expires - entry.obtainedAt) * this.#fraction);
    return Math.max(entry.obtainedAt, expires - ahead);
  }

  #refresh(audience: string, entry: Entry): Promise<IssuedToken> {
    const started = this.#now();
    const attempt = (async () => {
      try {
        const token = await this.#provider(audience);
        entry.token = token;
        entry.obtainedAt = started;
        entry.failures = 0;
        entry.nextAttemptAt = 0;
        entry.lastError = undefined;
        return token;
      } catch (error) {
        const failure =
          error instanceof TokenProviderSkipped
            ? new RolegateClientError('client.no_token_source', error.message, { cause: error })
            : error;
        entry.failures++;
        entry.lastError = failure;
        entry.nextAttemptAt = this.#now() + this.#backoff(entry.failures, failure);
        throw failure;
      } finally {
        entry.inflight = undefined;
      }
    })();
    entry.inflight = attempt;
    return attempt;
  }

  #backoff(failures: number, error: unknown): number {
    const exponential = Math.min(this.#maxBackoff, this.#minBackoff * 2 ** (failures - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    const retryAfter = (error as RolegateClientError)?.retryAfterSeconds;
    return Math.max(jittered, retryAfter ? retryAfter * 1000 : 0);
  }
}
