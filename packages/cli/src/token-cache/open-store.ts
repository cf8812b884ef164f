// Picks the store for one login: the shared cache file for (broker URLs, audience, identity), or
// this process's memory when the cache is off (--no-cache), cannot name the login, or its folder
// is not ours alone.

import { type BrokerFlags, brokerUrlsOf } from '../lib/broker-urls.ts';
import { checkCacheDir, tokenCacheDir } from './cache-dir.ts';
import { cacheFileName } from './cache-key.ts';
import { fileTokenStore, memoryTokenStore, type TokenStore, type Warn } from './token-store.ts';

export interface CacheFlags {
  /** False with --no-cache. */
  readonly cache?: boolean;
  readonly cacheDir?: string;
}

export interface StoreRequest {
  readonly flags: CacheFlags & BrokerFlags;
  readonly audience: string;
  /** From identitySourceOf (or the resolved AWS key); undefined: the login cannot be named. */
  readonly identitySource: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly warn: Warn;
}

export async function openTokenStore(request: StoreRequest): Promise<TokenStore> {
  const { flags, env } = request;
  const brokerUrls = brokerUrlsOf(flags, env);
  if (flags.cache === false || brokerUrls === undefined || request.identitySource === undefined)
    return memoryTokenStore();
  const dir = tokenCacheDir(flags.cacheDir, env);
  let problem: string | undefined;
  try {
    problem = await checkCacheDir(dir);
  } catch (error) {
    problem = (error as Error).message;
  }
  if (problem !== undefined) {
    request.warn(`not caching tokens: ${problem}`);
    return memoryTokenStore();
  }
  const name = cacheFileName({
    brokerUrls,
    audience: request.audience,
    identitySource: request.identitySource,
  });
  return fileTokenStore(dir, name, request.warn);
}
