// The primary of a multi-process gateway: one worker per core (or as many as asked), each a whole
// gateway sharing the listening sockets. The primary itself serves no traffic. It holds what must
// be one for all — the used-proof memory, so an STS proof is good once across every worker — and
// serves the admin listener for all of them: /readyz is ready when every worker is, /metrics sums
// the workers' metrics. A worker that dies is replaced; workers that keep dying stop the gateway.

import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import {
  createAdminServer,
  MemoryReplayCache,
  perAccountLimit,
  ReplayAccountQuotaError,
  ReplayCacheFullError,
} from '@rolegate/identity';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { loadGatewayConfigFile } from '../config/load-config.ts';
import { startListening, stopListening } from '../http/listeners.ts';
import { createGatewayLogger } from '../ops/logger.ts';
import { gatewayReplayConfig } from '../replay/gateway-replay.ts';
import { asWorkerMessage, type PrimaryMessage, TAG } from './messages.ts';

export interface GatewayPrimaryOptions {
  readonly configFile: string;
  /** Worker processes, at least 2 (one worker is just the gateway: run it without a primary). */
  readonly workers: number;
  readonly logger?: Logger;
  /** How long workers may take to start listening. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
  /** How long a worker may take to drain on close before it is killed. Default 15 000 ms. */
  readonly closeGraceMs?: number;
  /** More unexpected worker exits than this within a minute stop the gateway. Default 5. */
  readonly maxRestartsPerMinute?: number;
}

export interface GatewayPrimary {
  /** The listeners' URLs, as the workers report them. */
  readonly urls: readonly string[];
  readonly adminUrl: string | undefined;
  readonly workerPids: () => number[];
  /** Passes SIGHUP on to every worker: each re-reads the config and policies. */
  reload(): void;
  /** Resolves when the gateway has stopped for good: after close(), or when workers keep dying. */
  readonly stopped: Promise<{ readonly ok: boolean }>;
  close(): Promise<void>;
}

function reply(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}

export async function runGatewayPrimary(options: GatewayPrimaryOptions): Promise<GatewayPrimary> {
  if (!cluster.isPrimary) throw new Error('runGatewayPrimary runs in the primary process');
  if (!Number.isInteger(options.workers) || options.workers < 2 || options.workers > 256) {
    throw new TypeError('workers must be an integer from 2 to 256');
  }
  // The primary checks the config first, so a broken one fails here, once, with its message.
  const config = loadGatewayConfigFile(options.configFile);
  const logger =
    options.logger ?? createGatewayLogger(config.logLevel).child({ worker: 'primary' });
  // The workers' one used-proof memory. With `replay.redis` it is never asked: each worker claims
  // on Redis itself, over its own connection (no hop through this process).
  const replayConfig = gatewayReplayConfig(config);
  const replay = new MemoryReplayCache({
    maxEntries: replayConfig.maxEntries,
    perAccountMaxEntries: perAccountLimit(replayConfig),
  });
  const metrics = new AggregatorRegistry();
  const maxRestarts = options.maxRestartsPerMinute ?? 5;
  const restarts: number[] = [];
  const listening = new Set<number>();
  let urls: string[] = [];
  let closing = false;
  let started = false;
  let nextQuery = 1;
  const readyQueries = new Map<number, (ready: boolean) => void>();
  let settleStopped: (result: { ok: boolean }) => void = () => {};
  const stopped = new Promise<{ ok: boolean }>((resolve) => {
    settleStopped = resolve;
  });

  async function answerReplay(
    worker: Worker,
    id: number,
    op: 'seen' | 'claim',
    key: string,
    expiresAtMs: number,
    account: string | undefined,
  ) {
    try {
      const result =
        op === 'seen' ? await replay.seen(key) : await replay.claim(key, expiresAtMs, account);
      reply(worker, { rolegate: TAG, type: 'replay-result', id, result });
    } catch (error) {
      if (error instanceof ReplayAccountQuotaError) {
        const retryAfterSeconds = error.retryAfterSeconds;
        reply(worker, {
          rolegate: TAG,
          type: 'replay-result',
          id,
          error: 'quota',
          retryAfterSeconds,
        });
        return;
      }
      const kind = error instanceof ReplayCacheFullError ? 'full' : 'failed';
      reply(worker, { rolegate: TAG, type: 'replay-result', id, error: kind });
    }
  }

  function onMessage(worker: Worker, raw: unknown): void {
    const message = asWorkerMessage(raw);
    if (message === undefined) return;
    if (message.type === 'replay') {
      const { id, op, key, expiresAtMs, account } = message;
      void answerReplay(worker, id, op, key, expiresAtMs, account);
    } else if (message.type === 'listening') {
      listening.add(worker.id);
      urls = message.urls;
    } else readyQueries.get(message.id)?.(message.ready);
  }

  function fork(): Worker {
    const worker = cluster.fork();
    worker.on('message', (raw: unknown) => onMessage(worker, raw));
    return worker;
  }

  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    listening.delete(worker.id);
    if (closing) return;
    if (!started) {
      // A worker that cannot start (a port in use, a key file gone) fails the start for all.
      logger.error({ worker: worker.id, code, signal }, 'a gateway worker exited during start');
      void close(false);
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'a gateway worker exited: starting another');
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length > maxRestarts) {
      logger.fatal({ restarts: restarts.length }, 'gateway workers keep exiting: stopping');
      void close(false);
      return;
    }
    fork();
  };

  async function allReady(): Promise<boolean> {
    if (closing) return false;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    if (workers.length < options.workers || listening.size < options.workers) return false;
    const answers = workers.map(
      (worker) =>
        new Promise<boolean>((resolve) => {
          const id = nextQuery++;
          const timer = setTimeout(() => {
            readyQueries.delete(id);
            resolve(false);
          }, 2_000);
          readyQueries.set(id, (ready) => {
            clearTimeout(timer);
            readyQueries.delete(id);
            resolve(ready);
          });
          reply(worker, { rolegate: TAG, type: 'ready?', id });
        }),
    );
    return (await Promise.all(answers)).every(Boolean);
  }

  let admin: Server | undefined;
  let adminUrl: string | undefined;

  async function close(ok = true): Promise<void> {
    if (closing) return stopped.then(() => undefined);
    closing = true;
    cluster.off('exit', onExit);
    if (admin !== undefined) await stopListening(admin, 0);
    const grace = options.closeGraceMs ?? 15_000;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const kill = setTimeout(() => worker.process.kill('SIGKILL'), grace + 5_000);
            worker.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    await replay.close();
    logger.info('gateway stopped');
    settleStopped({ ok });
  }

  cluster.on('exit', onExit);
  for (let i = 0; i < options.workers; i++) fork();

  // Every worker listening, or the start fails (and takes the others down with it).
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (listening.size < options.workers) {
    if (closing) throw new Error('gateway workers exited during start: see the log above');
    if (Date.now() > deadline) {
      await close(false);
      throw new Error(
        `${options.workers - listening.size} gateway worker(s) did not start listening in time`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  started = true;
  if (config.admin !== false) {
    admin = createAdminServer({
      contentType: metrics.contentType,
      metricsText: () => metrics.clusterMetrics(),
      isReady: allReady,
    });
    adminUrl = await startListening(admin, config.admin.host, config.admin.port, 'http');
  }
  logger.info({ urls, adminUrl, workers: options.workers }, 'gateway listening');

  return {
    get urls() {
      return urls;
    },
    adminUrl,
    workerPids: () =>
      Object.values(cluster.workers ?? {}).flatMap((w) =>
        w?.process.pid === undefined || w.isDead() ? [] : [w.process.pid],
      ),
    reload() {
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      logger.info({ workers: workers.length }, 'reload: passed on to every worker');
      for (const worker of workers) worker.process.kill('SIGHUP');
    },
    stopped,
    close: () => close(true),
  };
}
