// Which broker to ask next. The pool remembers, across exchanges, how each broker last did: a
// broker that just failed is passed over for a while (a circuit breaker, so steady-state calls do
// not each pay a refused connect or a timeout first), the broker that last answered is asked
// first, and a broker that answered Retry-After is not asked again before then. When every
// broker is passed over, the one that may be asked soonest is tried anyway: skipping them all
// would fail a call without trying anything.

export interface BrokerPoolOptions {
  /** How long a broker that failed is passed over while others remain; default 30 s. */
  readonly passOverMs?: number;
  readonly now?: () => number;
}

interface BrokerState {
  readonly url: string;
  /** Until then, others come first. */
  passOverUntil: number;
  /** Retry-After: never asked before then. */
  notBefore: number;
}

export interface BrokerChoice {
  readonly url: string;
  /** When it may be asked: now, or later when it said Retry-After. */
  readonly notBefore: number;
}

export class BrokerPool {
  readonly urls: readonly string[];
  readonly #states: readonly BrokerState[];
  readonly #passOverMs: number;
  readonly #now: () => number;
  #lastGood: string | undefined;

  constructor(urls: readonly string[], options: BrokerPoolOptions = {}) {
    if (urls.length === 0) throw new TypeError('BrokerPool needs at least one broker URL');
    this.urls = [...urls];
    this.#states = urls.map((url) => ({ url, passOverUntil: 0, notBefore: 0 }));
    this.#passOverMs = options.passOverMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#passOverMs >= 0)) throw new TypeError('passOverMs must be ≥ 0');
  }

  /**
   * The next broker: the healthy ones first (the last good one before the others, then the
   * configured order), skipping `exclude` (those already failed in this exchange) while others
   * remain; among passed-over brokers, the one that may be asked soonest.
   */
  next(exclude: ReadonlySet<string> = new Set()): BrokerChoice {
    const now = this.#now();
    const ranked = [...this.#states].sort((a, b) => this.#rank(a, now) - this.#rank(b, now));
    const fresh = ranked.filter((s) => !exclude.has(s.url));
    const pool = fresh.length > 0 ? fresh : ranked;
    const healthy = pool.find((s) => s.passOverUntil <= now && s.notBefore <= now);
    const chosen =
      healthy ??
      pool.reduce((best, s) => (readyAt(s) < readyAt(best) ? s : best), pool[0] as BrokerState);
    return { url: chosen.url, notBefore: chosen.notBefore };
  }

  /** The broker answered with a token: ask it first from now on. */
  succeeded(url: string): void {
    const state = this.#state(url);
    state.passOverUntil = 0;
    state.notBefore = 0;
    this.#lastGood = url;
  }

  /** The broker failed (cannot be reached, or is unavailable); `retryAfterMs` when it said so. */
  failed(url: string, retryAfterMs?: number): void {
    const state = this.#state(url);
    const now = this.#now();
    state.passOverUntil = now + Math.max(this.#passOverMs, retryAfterMs ?? 0);
    if (retryAfterMs !== undefined) state.notBefore = now + retryAfterMs;
    if (this.#lastGood === url) this.#lastGood = undefined;
  }

  /** Lower is better: healthy before passed over; the last good first; else configured order. */
  #rank(state: BrokerState, now: number): number {
    const order = this.urls.indexOf(state.url);
    const unhealthy = state.passOverUntil > now || state.notBefore > now ? 1_000_000 : 0;
    const preferred = state.url === this.#lastGood ? -1 : order;
    return unhealthy + preferred;
  }

  #state(url: string): BrokerState {
    const state = this.#states.find((s) => s.url === url);
    if (state === undefined) throw new TypeError(`not a broker of this pool: ${url}`);
    return state;
  }
}

function readyAt(state: BrokerState): number {
  return Math.max(state.passOverUntil, state.notBefore);
}
