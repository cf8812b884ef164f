// The gateway's used-proof memory, as `replay:` configures it — the broker's options, built by
// @rolegate/identity the same way, so a gateway and a broker on one Redis key, prefix and count a
// proof identically (one claim covers both). In memory, or Redis: then every gateway process (each
// worker too, on a connection of its own) claims on the server, and readiness follows the
// connection. `sts.replayMaxEntries`, the old name of `replay.maxEntries`, is still read.

import {
  connectReplayCache,
  createConfiguredReplayCache,
  REPLAY_DEFAULTS,
  RedisReplayCache,
  type ReplayCache,
  type ReplayConfig,
} from '@rolegate/identity';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';

export interface GatewayReplay {
  readonly cache: ReplayCache;
  /** Whether this gateway built the cache (and so closes it). */
  readonly owned: boolean;
  /** Connects a Redis cache before the gateway listens: an unreachable one stops the start. */
  connect(): Promise<void>;
  /** False while a Redis cache cannot be reached: STS proofs would all be 503. */
  ready(): boolean;
}

/** The `replay` section in force, with the old `sts.replayMaxEntries` folded in. */
export function gatewayReplayConfig(config: GatewayConfig): ReplayConfig {
  return {
    ...config.replay,
    maxEntries:
      config.replay.maxEntries ?? config.sts?.replayMaxEntries ?? REPLAY_DEFAULTS.maxEntries,
  };
}

export function createGatewayReplay(
  config: GatewayConfig,
  logger: Logger,
  given?: ReplayCache,
): GatewayReplay {
  if (config.sts?.replayMaxEntries !== undefined) {
    logger.warn('sts.replayMaxEntries is the old name of replay.maxEntries: move it there');
  }
  const cache =
    given ??
    createConfiguredReplayCache(gatewayReplayConfig(config), { logger, server: 'gateway' });
  const redis = cache instanceof RedisReplayCache ? cache : undefined;
  return {
    cache,
    owned: given === undefined,
    async connect() {
      if (redis === undefined || given !== undefined) return;
      // A gateway that fails to start must not keep a client reconnecting in the background.
      await connectReplayCache(redis, config.replay.redis?.url ?? '', logger).catch(
        async (error: unknown) => {
          await redis.close();
          throw error;
        },
      );
    },
    ready: () => redis === undefined || redis.ready,
  };
}
