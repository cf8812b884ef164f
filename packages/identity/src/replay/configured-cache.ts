// The replay cache a `replay:` section describes, built the same way by the broker and the gateway:
// in memory, or Redis (no connection until connectReplayCache). Both charge claims to their
// account with the quota perAccountLimit resolves, so a deployment mixing brokers and gateways on
// one Redis counts every claim of an account against one quota.

import { ConfigError } from '@rolegate/core';
import type { Logger } from 'pino';
import { perAccountLimit, type ReplayConfig } from '../config/replay-schema.ts';
import { RedisReplayCache, redisEndpoint } from './redis-replay-cache.ts';
import { MemoryReplayCache, type ReplayCache } from './replay-cache.ts';

export interface ConfiguredReplayCacheOptions {
  readonly logger: Logger;
  /** Named in the log line of a memory cache: `broker` or `gateway`. */
  readonly server: string;
  readonly now?: () => number;
}

export function createConfiguredReplayCache(
  replay: ReplayConfig,
  options: ConfiguredReplayCacheOptions,
): ReplayCache {
  const { logger, now } = options;
  const perAccountMaxEntries = perAccountLimit(replay);
  if (replay.redis === undefined) {
    logger.info(
      { perAccountMaxEntries },
      `replay cache in memory: a proof is refused again only by this ${options.server} process`,
    );
    return new MemoryReplayCache({
      maxEntries: replay.maxEntries,
      perAccountMaxEntries,
      ...(now === undefined ? {} : { now }),
    });
  }
  try {
    return new RedisReplayCache({ ...replay.redis, perAccountMaxEntries, logger, now });
  } catch (error) {
    throw new ConfigError('config', [`replay.redis.caFile: ${(error as Error).message}`]);
  }
}

/**
 * A Redis replay cache must answer once before the server starts: a mistyped URL stops it here,
 * not at the first login. An evicting memory policy is warned about.
 */
export async function connectReplayCache(
  cache: RedisReplayCache,
  url: string,
  logger: Logger,
): Promise<void> {
  try {
    await cache.connect();
  } catch (error) {
    throw new ConfigError('config', [
      `replay.redis.url: ${redisEndpoint(url)} did not answer (${(error as Error).message})`,
    ]);
  }
  const policy = await cache.evictionPolicy();
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: policy },
      'replay cache (Redis) may evict used proofs when memory runs short: set maxmemory-policy noeviction',
    );
  }
}
