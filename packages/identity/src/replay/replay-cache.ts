// Single-use memory of proofs. Implementations must make `claim` atomic ("set if absent"), so two
// replicas racing with the same proof cannot both win. A Redis/Valkey implementation (SET NX PX)
// fills the same interface for brokers with several replicas.
import { RolegateError } from '@rolegate/core';

export interface ReplayCache {
  /** True when the key was already claimed and has not expired (cheap pre-check before STS). */
  seen(key: string): Promise<boolean>;
  /** Claims the key until `expiresAtMs`. Returns false if someone claimed it first. */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export const REPLAY_ERRORS = {
  'replay.full': { status: 503, description: 'the replay cache is full' },
} as const;

/** The cache holds as many live entries as it may: new claims wait until old ones expire. */
export class ReplayCacheFullError extends RolegateError<'replay.full'> {
  static override readonly registry = REPLAY_ERRORS;

  constructor() {
    super('replay.full');
  }
}

/**
 * In-process replay cache. When full it refuses new claims rather than evicting live entries:
 * evicting would reopen a replay window, refusing only delays a login.
 */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async seen(key: string): Promise<boolean> {
    const expiry = this.#entries.get(key);
    return expiry !== undefined && expiry > this.#now();
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const now = this.#now();
    this.#sweep(now);
    const expiry = this.#entries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    if (this.#entries.size >= this.#maxEntries) throw new ReplayCacheFullError();
    this.#entries.set(key, expiresAtMs);
    return true;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #sweep(now: number): void {
    // Full sweeps at most once a second, or when near capacity: keeps claim O(1) amortised.
    if (now < this.#nextSweep && this.#entries.size < this.#maxEntries) return;
    this.#nextSweep = now + 1000;
    for (const [key, expiry] of this.#entries) if (expiry <= now) this.#entries.delete(key);
  }
}
