// Verified tokens, keyed by the whole token text, so a repeated token skips the signature check.
// An entry is used only while the token itself is valid (its `exp`, with the same leeway as a
// fresh check) and only with the key set it was verified under: the verifier clears the cache
// whenever the key set changes, so a withdrawn key stops working at the next JWKS fetch.
// Bounded: when full, the oldest entry goes (insertion order; Map keeps it for free).

import type { Principal } from '@rolegate/core';

export class TokenCache {
  private readonly entries = new Map<string, Principal>();

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
    if (nowSeconds >= principal.expiresAt + this.toleranceSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return principal;
  }

  set(token: string, principal: Principal): void {
    if (this.maxEntries === 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, principal);
  }

  clear(): void {
    this.entries.clear();
  }
}
