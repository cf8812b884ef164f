// Picks the store for one login: the shared cache file for (broker URL, audience, identity), or
// this process's memory when the cache is off (--no-cache), cannot name the login, or its folder
// is not ours alone.

import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';
import { checkCacheDir, tokenCacheDir } from './cache-dir.ts';
import { cacheFileName } from './cache-key.ts';
import { fileTokenStore, memoryTokenStore, type TokenStore, type Warn } from './token-store.ts';

export interface CacheFlags {
  /** False with --no-cache. */
  readonly cache?: boolean;
  readonly cacheDir?: string;
}

export interface StoreRequest {
  readonly flags: CacheFlags & { readonly broker?: string; readonly stateDir?: string };
  readonly audience: string;
  /** From identitySourceOf (or the resolved AWS key); undefined: the login cannot be named. */
  readonly identitySource: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly warn: Warn;
}

export async function openTokenStore(request: StoreRequest): Promise<TokenStore> {
  const { flags, env } = request;
  const brokerUrl = brokerUrlOf(flags, env);
  if (flags.cache === false || brokerUrl === undefined || request.identitySource === undefined)
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
    brokerUrl,
    audience: request.audience,
    identitySource: request.identitySource,
  });
  return fileTokenStore(dir, name, request.warn);
}

/** The broker the login will use, by the rule of lib/login-target.ts (flag, env, running dev). */
function brokerUrlOf(
  flags: { readonly broker?: string; readonly stateDir?: string },
  env: NodeJS.ProcessEnv,
): string | undefined {
  return (
    flags.broker ??
    env.ROLEGATE_BROKER_URL ??
    readDevDescription(flags.stateDir ?? DEFAULT_DEV_STATE_DIR)?.broker.url
  );
}
