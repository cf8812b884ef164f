// Verified tokens, keyed by the whole token text, so a repeated token skips the signature check.
// An entry is used only while the token itself is valid (its `exp`, with the same leeway as a
// fresh check) and only with the key set it was verified under: the verifier clears the cache
// whenever the key set changes, so a withdrawn key stops working at the next JWKS fetch.
// Bounded: when full, the oldest entry goes (insertion order; Map keeps it for free).
//
// Expired entries are also swept in bulk, at most once per SWEEP_EVERY_SECONDS of the clock, on
// insertion. Without it a token used once stays until the cap pushes it out: the cache (and the
// process' memory) grows for as long as it takes to mint `maxEntries` distinct tokens — hours at
// low traffic — instead of levelling off at the tokens alive at once. Insertion order is not
// expiry order (lifetimes differ), so the sweep looks at every entry: 10,000 entries take well
// under a millisecond, once a minute.

import type { Principal } from '@rolegate/core';

const SWEEP_EVERY_SECONDS = 60;

export class TokenCache {
  private readonly entries = new Map<string, Principal>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxEntries: number,
    private readonly toleranceSeconds: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached principal for `token`, if it is still within its lifetime. */
  get(token: string, nowSeconds: number): Principal | undefined {
    const principal = this.entries.get(token);
    if (principal === undefined) return undefined;
    if (this.expired(principal, nowSeconds)) {
      this.entries.delete(token);
      return undefined;
    }
    return principal;
  }

  set(token: string, principal: Principal, nowSeconds: number): void {
    if (this.maxEntries === 0) return;
    if (nowSeconds - this.lastSweep >= SWEEP_EVERY_SECONDS) this.sweep(nowSeconds);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, principal);
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(nowSeconds: number): void {
    this.lastSweep = nowSeconds;
    // Deleting the entry just visited is safe while iterating a Map.
    for (const [token, principal] of this.entries) {
      if (this.expired(principal, nowSeconds)) this.entries.delete(token);
    }
  }

  private expired(principal: Principal, nowSeconds: number): boolean {
    return nowSeconds >= principal.expiresAt + this.toleranceSeconds;
  }
}
