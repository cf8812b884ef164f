// IMDSv2 session tokens: what `PUT /latest/api/token` hands out and every GET must carry. A token
// is a random string remembered with its expiry; nothing in it can be forged or replayed elsewhere.

import { randomBytes } from 'node:crypto';

/** The TTL bounds IMDS accepts, in seconds (one second to six hours). */
export const MIN_TOKEN_TTL_SECONDS = 1;
export const MAX_TOKEN_TTL_SECONDS = 21_600;

/**
 * How many live tokens are remembered, as in AWS's helper (`MAX_TOKENS`): a local process looping
 * on PUT only evicts the oldest tokens, whose holders then get 401 and ask for a new one.
 */
export const MAX_TOKENS = 256;

/** 48 random bytes: 384 bits, written as 64 base64url characters. */
const TOKEN_BYTES = 48;

/** The TTL header read strictly: decimal digits only, within the bounds; undefined otherwise. */
export function parseTokenTtl(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,5}$/.test(header)) return undefined;
  const seconds = Number(header);
  return seconds >= MIN_TOKEN_TTL_SECONDS && seconds <= MAX_TOKEN_TTL_SECONDS ? seconds : undefined;
}

export class ImdsTokens {
  readonly #now: () => number;
  readonly #maxTokens: number;
  /** Token → expiry in epoch ms, in the order issued (a Map keeps it), so the oldest is first. */
  readonly #expiries = new Map<string, number>();

  constructor(options: { now: () => number; maxTokens?: number }) {
    this.#now = options.now;
    this.#maxTokens = options.maxTokens ?? MAX_TOKENS;
  }

  /** A new token valid for `ttlSeconds`, evicting the oldest when the store is full. */
  issue(ttlSeconds: number): string {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    this.#dropExpired();
    while (this.#expiries.size >= this.#maxTokens) {
      const oldest = this.#expiries.keys().next().value as string;
      this.#expiries.delete(oldest);
    }
    this.#expiries.set(token, this.#now() + ttlSeconds * 1000);
    return token;
  }

  /** Whole seconds `token` has left, or undefined when it is unknown or expired. */
  remainingSeconds(token: string | undefined): number | undefined {
    if (token === undefined) return undefined;
    const expiry = this.#expiries.get(token);
    if (expiry === undefined) return undefined;
    const remainingMs = expiry - this.#now();
    if (remainingMs <= 0) {
      this.#expiries.delete(token);
      return undefined;
    }
    return Math.max(1, Math.floor(remainingMs / 1000));
  }

  /** Forgets expired tokens; issue-order is not expiry-order (TTLs differ), so it scans them all. */
  #dropExpired(): void {
    const now = this.#now();
    for (const [token, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(token);
  }
}
