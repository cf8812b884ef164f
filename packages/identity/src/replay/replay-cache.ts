// Single-use memory of proofs. Implementations must make `claim` atomic ("set if absent"), so two
// replicas racing with the same proof cannot both win. Two implementations: MemoryReplayCache (one
// process) and RedisReplayCache (every broker and gateway host sharing one Redis or Valkey).
//
// A claim may name the account it is charged to: an implementation given a per-account limit
// refuses a new claim of an account that already holds that many live ones
// (ReplayAccountQuotaError, 429), so one AWS account cannot fill the cache for every other one.
// The account is always one STS (or path validation) has confirmed: see docs/specs/replay-quota.md.
import { RolegateError } from '@rolegate/core';

export interface ReplayCache {
  /** True when the key was already claimed and has not expired (cheap pre-check before STS). */
  seen(key: string): Promise<boolean>;
  /**
   * Claims the key until `expiresAtMs`. Returns false if someone claimed it first. `account`
   * (`partition:account-id`, confirmed) is charged for the claim when the cache has a quota.
   */
  claim(key: string, expiresAtMs: number, account?: string): Promise<boolean>;
  close(): Promise<void>;
}

export const REPLAY_ERRORS = {
  'replay.full': { status: 503, description: 'the replay cache is full' },
  'replay.account_quota': {
    status: 429,
    description: 'this account holds too many unexpired proofs in the replay cache',
  },
} as const;

/** The cache holds as many live entries as it may: new claims wait until old ones expire. */
export class ReplayCacheFullError extends RolegateError<'replay.full'> {
  static override readonly registry = REPLAY_ERRORS;

  constructor() {
    super('replay.full');
  }
}

/** The account holds its quota of live claims; `retryAfterSeconds`: until one of them expires. */
export class ReplayAccountQuotaError extends RolegateError<'replay.account_quota'> {
  static override readonly registry = REPLAY_ERRORS;

  constructor(account: string, retryAfterSeconds: number) {
    super('replay.account_quota', `account ${account} is over its replay-cache quota`, {
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }
}

interface Entry {
  readonly expiresAtMs: number;
  readonly account: string | undefined;
}

interface AccountClaims {
  /** Entries charged to the account and not swept yet (an expired one counts until the sweep). */
  live: number;
  /** Earliest expiry among them, as of the last sweep or claim: for Retry-After. */
  earliestMs: number;
}

/**
 * In-process replay cache. When full it refuses new claims rather than evicting live entries:
 * evicting would reopen a replay window, refusing only delays a login.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, Entry>();
  readonly #accounts = new Map<string, AccountClaims>();
  readonly #maxEntries: number;
  readonly #perAccountMaxEntries: number;
  readonly #now: () => number;
  #nextSweep = 0;

  /**
   * `perAccountMaxEntries`: live claims one account may hold (default: no quota). Expired claims
   * leave the count at the next sweep (at most a second later), so the quota errs on refusing.
   */
  constructor(
    options: { maxEntries?: number; perAccountMaxEntries?: number; now?: () => number } = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#perAccountMaxEntries = options.perAccountMaxEntries ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async seen(key: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAtMs > this.#now();
  }

  async claim(key: string, expiresAtMs: number, account?: string): Promise<boolean> {
    const now = this.#now();
    this.#sweep(now);
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAtMs > now) return false;
    if (this.#entries.size >= this.#maxEntries) throw new ReplayCacheFullError();
    const claims = account === undefined ? undefined : this.#accounts.get(account);
    if (claims !== undefined && claims.live >= this.#perAccountMaxEntries) {
      throw new ReplayAccountQuotaError(account!, (claims.earliestMs - now) / 1000);
    }
    // An expired entry of the same key is replaced: its account is no longer charged for it.
    if (entry !== undefined) this.#forget(key, entry);
    this.#entries.set(key, { expiresAtMs, account });
    if (account !== undefined) {
      if (claims === undefined) this.#accounts.set(account, { live: 1, earliestMs: expiresAtMs });
      else {
        claims.live += 1;
        claims.earliestMs = Math.min(claims.earliestMs, expiresAtMs);
      }
    }
    return true;
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#accounts.clear();
  }

  #forget(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (entry.account === undefined) return;
    const claims = this.#accounts.get(entry.account);
    if (claims === undefined) return;
    claims.live -= 1;
    if (claims.live <= 0) this.#accounts.delete(entry.account);
  }

  #sweep(now: number): void {
    // Full sweeps at most once a second, or when near capacity: keeps claim O(1) amortised.
    if (now < this.#nextSweep && this.#entries.size < this.#maxEntries) return;
    this.#nextSweep = now + 1000;
    for (const claims of this.#accounts.values()) claims.earliestMs = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs <= now) this.#forget(key, entry);
      else if (entry.account !== undefined) {
        const claims = this.#accounts.get(entry.account)!;
        claims.earliestMs = Math.min(claims.earliestMs, entry.expiresAtMs);
      }
    }
  }
}
