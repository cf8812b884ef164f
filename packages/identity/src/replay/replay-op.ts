// Every login's use of the replay cache goes through here, so a cache that is full or unreachable
// answers the same way for every kind of proof: 503 with Retry-After, never a replay window.
import { IdentityError } from '../errors.ts';
import { type ReplayCache, ReplayCacheFullError } from './replay-cache.ts';

export async function replayOp<T>(
  cache: ReplayCache,
  op: (cache: ReplayCache) => Promise<T>,
): Promise<T> {
  try {
    return await op(cache);
  } catch (error) {
    const detail =
      error instanceof ReplayCacheFullError ? 'replay cache full' : (error as Error).message;
    throw new IdentityError('broker.replay_cache_unavailable', detail, {
      retryAfterSeconds: 1,
      cause: error,
    });
  }
}
