// The replay-cache options the broker and the gateway share (`replay:` in broker.yaml and
// gateway.yaml): one set of names, defaults and checks, so a deployment writes the same block for
// both and they key, prefix and count the same claims in a shared Redis.

import { z } from 'zod';

export const REPLAY_DEFAULTS = Object.freeze({
  maxEntries: 1_000_000,
  /** Memory cache: a tenth of maxEntries per account unless perAccountMaxEntries says otherwise. */
  perAccountShare: 0.1,
  /** Redis has no maxEntries (the server's memory is the limit): a fixed default quota. */
  redisPerAccountMaxEntries: 100_000,
  keyPrefix: 'rolegate:replay:',
  commandTimeoutMs: 1000,
});

export const redisReplaySchema = z
  .object({
    /** `redis://[user:password@]host:port[/db]` or `rediss://…`; never logged. */
    url: z.string().refine((u) => /^rediss?:\/\/[^/]/.test(u) && URL.canParse(u), {
      message: 'must be a redis:// or rediss:// URL',
    }),
    /** Brokers and gateways of one deployment must use the same prefix to share claims. */
    keyPrefix: z.string().min(1).max(64).default(REPLAY_DEFAULTS.keyPrefix),
    /** A slower command (or connection) fails and the login answers 503. */
    commandTimeoutMs: z
      .number()
      .int()
      .min(50)
      .max(10_000)
      .default(REPLAY_DEFAULTS.commandTimeoutMs),
    /** CA certificate (PEM) of a `rediss://` server with a private CA. */
    caFile: z.string().min(1).optional(),
  })
  .strict();

const replayFields = {
  /** Memory cache only: entries held at most; when full, logins are 503 (never evicted). */
  maxEntries: z.number().int().min(1000).default(REPLAY_DEFAULTS.maxEntries),
  /**
   * Live claims one AWS account may hold; more are 429 until one expires. Default: a tenth of
   * maxEntries in memory, 100 000 with Redis.
   */
  perAccountMaxEntries: z.number().int().min(1).max(1_000_000_000).optional(),
  /** Share used proofs with every replica and gateway host through Redis or Valkey. */
  redis: redisReplaySchema.optional(),
};

/**
 * Where used proofs are remembered. In memory by default (one process); with `redis`, every
 * broker replica and gateway host shares one memory and a proof works once across all of them.
 */
export const replaySchema = z.object(replayFields).strict();

/** The same options with `maxEntries` left unset when not given (the gateway's old name may set it). */
export const replaySchemaWithoutDefaults = z
  .object({ ...replayFields, maxEntries: replayFields.maxEntries.removeDefault().optional() })
  .strict();

export type ReplayConfig = z.output<typeof replaySchema>;

/** The file-path fields of a `replay` section, relative to it. */
export const REPLAY_FILE_FIELDS = ['redis.caFile'] as const;

/** The per-account quota in force: the option, or its default for the kind of cache. */
export function perAccountLimit(replay: ReplayConfig): number {
  if (replay.perAccountMaxEntries !== undefined) return replay.perAccountMaxEntries;
  if (replay.redis !== undefined) return REPLAY_DEFAULTS.redisPerAccountMaxEntries;
  return Math.max(1, Math.floor(replay.maxEntries * REPLAY_DEFAULTS.perAccountShare));
}
