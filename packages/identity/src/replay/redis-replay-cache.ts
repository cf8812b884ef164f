// The replay cache every broker replica and gateway host shares: Redis or Valkey (ioredis). A
// claim is atomic on the server, so two hosts racing with the same proof cannot both win. The TTL
// is relative (PX, not PXAT): the server's clock never has to agree with ours.
//
// It fails fast and closed. No offline queue and no per-command retry: while Redis is unreachable
// every login answers 503 at once (replayOp) rather than queueing behind a reconnect, and nothing
// is ever let through unrecorded. ioredis keeps reconnecting in the background; `/readyz` says
// "not ready" until it is back. The URL may carry a password: it is never logged, only host:port.
//
// With a per-account quota, a claim that names its account is one Lua script (claim-script.ts):
// the claim and the account's charge are made together or not at all.

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { CLAIM_SCRIPT, type ClaimReply, readClaimReply } from './claim-script.ts';
import { ReplayAccountQuotaError, type ReplayCache } from './replay-cache.ts';

export interface RedisReplayCacheOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  readonly url: string;
  /** Prepended to every key, so deployments can share one server (brokers and gateways of one deployment use the same). */
  readonly keyPrefix: string;
  /** A command that takes longer fails (→ 503); also the connect timeout. */
  readonly commandTimeoutMs: number;
  /** PEM file of the CA that signed a `rediss://` server's certificate (default: the system's). */
  readonly caFile?: string | undefined;
  /** Live claims one account may hold (default: no quota). */
  readonly perAccountMaxEntries?: number | undefined;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/** `host:port` of a Redis URL, for logs: never the credentials. */
export function redisEndpoint(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

/**
 * The CA file's PEM text. Node's TLS quietly skips text that is not a certificate, so a file with
 * none would fail only at the first connection: every block must parse, and there must be one.
 */
export function readRedisCa(file: string): string {
  const text = readFileSync(file, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (blocks === null) throw new Error(`${file} holds no PEM certificate`);
  for (const block of blocks) new X509Certificate(block);
  return text;
}

type ClaimCommand = (
  claimKey: string,
  accountKey: string,
  ttlMs: number,
  limit: number,
  member: string,
) => Promise<unknown>;

export class RedisReplayCache implements ReplayCache {
  readonly #redis: Redis;
  readonly #now: () => number;
  readonly #perAccountMaxEntries: number | undefined;
  readonly #claimWithQuota: ClaimCommand;

  constructor(options: RedisReplayCacheOptions) {
    this.#now = options.now ?? Date.now;
    this.#perAccountMaxEntries = options.perAccountMaxEntries;
    const endpoint = redisEndpoint(options.url);
    const tls = new URL(options.url).protocol === 'rediss:';
    // Read (and checked) even for redis://: a CA file named but unreadable is a mistake to report.
    const ca = options.caFile === undefined ? undefined : readRedisCa(options.caFile);
    const settings: RedisOptions = {
      // No socket until connect(): a server that fails to start leaves nothing open.
      lazyConnect: true,
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: options.commandTimeoutMs,
      // Back off to one attempt every two seconds, for as long as it takes.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      ...(tls && ca !== undefined ? { tls: { ca } } : {}),
    };
    this.#redis = new Redis(options.url, settings);
    // EVALSHA, falling back to EVAL once after a server restart forgot the script (NOSCRIPT).
    this.#redis.defineCommand('rolegateClaim', { numberOfKeys: 2, lua: CLAIM_SCRIPT });
    const command = (this.#redis as unknown as Record<string, ClaimCommand>)['rolegateClaim']!;
    this.#claimWithQuota = command.bind(this.#redis);
    // Without a listener an 'error' event would throw; each one is also a failed command's 503.
    let lastReport = 0;
    this.#redis.on('error', (error: Error) => {
      const at = this.#now();
      if (at - lastReport < 10_000) return;
      lastReport = at;
      options.logger?.warn({ endpoint, reason: error.message }, 'replay cache (Redis) unreachable');
    });
    this.#redis.on('ready', () => options.logger?.info({ endpoint }, 'replay cache (Redis) ready'));
  }

  /** Whether commands can be sent now (for `/readyz`). */
  get ready(): boolean {
    return this.#redis.status === 'ready';
  }

  /** Connects; rejects when the first attempt fails (ioredis then keeps retrying until close). */
  async connect(): Promise<void> {
    await this.#redis.connect();
  }

  /**
   * The server's `maxmemory-policy`, when it may be read (managed services often refuse CONFIG):
   * anything but `noeviction` may drop a live claim when memory runs short — every key here has a
   * TTL, so even the `volatile-*` policies pick them — and reopen a replay window. With
   * `noeviction` a full server refuses the claim instead, and the login is a retryable 503.
   */
  async evictionPolicy(): Promise<string | undefined> {
    try {
      const reply = (await this.#redis.config('GET', 'maxmemory-policy')) as unknown;
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
    } catch {
      return undefined;
    }
  }

  async seen(key: string): Promise<boolean> {
    return (await this.#redis.exists(key)) === 1;
  }

  async claim(key: string, expiresAtMs: number, account?: string): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(expiresAtMs - this.#now()));
    const limit = this.#perAccountMaxEntries;
    if (account === undefined || limit === undefined) {
      return (await this.#redis.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
    }
    const reply: ClaimReply = readClaimReply(
      await this.#claimWithQuota(key, accountKey(account), ttlMs, limit, key),
    );
    if (reply.outcome === 'quota') throw new ReplayAccountQuotaError(account, reply.waitMs / 1000);
    return reply.outcome === 'claimed';
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'ready') {
      await this.#redis.quit().catch(() => this.#redis.disconnect());
    } else {
      this.#redis.disconnect();
    }
  }
}

/** The sorted set of an account's live claims (under the same key prefix as the claims). */
function accountKey(account: string): string {
  return `quota:${account}`;
}
