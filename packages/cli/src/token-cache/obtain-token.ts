// The cache's one operation: a token from the store while it is fresh, else one exchange — under
// the store's lock, so of several `rolegate token` runs started together one asks the broker and
// the others wait and read what it wrote. A failed refresh falls back to the cached token while
// it is still unexpired (with a warning), so a broker outage does not cut off callers early.

import { type CachedToken, isFresh, isUnexpired } from './cache-entry.ts';
import type { TokenStore, Warn } from './token-store.ts';

export interface ObtainOptions {
  readonly store: TokenStore;
  /** Makes a new token: the proof and the broker exchange. Called only on a miss. */
  readonly issue: () => Promise<CachedToken>;
  readonly warn: Warn;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
}

export async function obtainToken(options: ObtainOptions): Promise<CachedToken> {
  const now = options.now ?? Date.now;
  const cached = await options.store.read();
  if (cached !== undefined && isFresh(cached, now())) return cached;
  return options.store.exclusive(async () => {
    // Another process may have refreshed while this one waited for the lock.
    const current = await options.store.read();
    if (current !== undefined && isFresh(current, now())) return current;
    let issued: CachedToken;
    try {
      issued = await options.issue();
    } catch (error) {
      if (current === undefined || !isUnexpired(current, now())) throw error;
      const code = (error as { code?: unknown }).code;
      options.warn(
        `token refresh failed (${typeof code === 'string' ? code : 'error'}); using the cached token until it expires at ${current.expiresAt.toISOString()}`,
      );
      return current;
    }
    // A token that cannot be stored is still a good token: the next run simply asks again.
    await options.store
      .write(issued)
      .catch((error: Error) => options.warn(`cannot write the token cache: ${error.message}`));
    return issued;
  });
}
