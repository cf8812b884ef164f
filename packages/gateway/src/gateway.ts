// createGateway: a validated config in, a running Lattice-style gateway out. It builds the runtime
// (routes, policies, credential kinds, upstream pools) before it listens, so a config that cannot
// work fails at start; reload() builds a new runtime beside the old one and swaps it in only if
// every part loads — connections are never dropped and requests in flight finish under the rules
// they started with.

import type { Server } from 'node:http';
import { ACCEPTORS, createAdminServer, type ReplayCache } from '@rolegate/identity';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { loadGatewayConfigFile } from './config/load-config.ts';
import type { GatewayConfig } from './config/schema.ts';
import { ERROR_CODE_HEADER } from './forward-auth/answer.ts';
import { createForwardAuthListeners } from './forward-auth/listeners.ts';
import { createClientErrorHandler } from './http/client-error.ts';
import { createListener, type Listener, startListening, stopListening } from './http/listeners.ts';
import { createOverloadGuard, guardHandlers } from './http/overload.ts';
import { createRequestHandlers } from './http/request-handler.ts';
import { createGatewayLogger } from './ops/logger.ts';
import { GatewayMetrics } from './ops/metrics.ts';
import { restartOnlyChanges, warnAboutConfig } from './ops/warnings.ts';
import { createGatewayReplay } from './replay/gateway-replay.ts';
import { buildRuntime, type Runtime, retireRuntime } from './runtime/runtime.ts';

export interface GatewayOptions {
  /** Default: pino on stdout at `config.logLevel`. */
  readonly logger?: Logger;
  /** The file the config came from; reload() without an argument re-reads it. */
  readonly configFile?: string;
  /** Used-proof memory for STS proofs. Default: as `replay` configures it (memory or Redis). */
  readonly replayCache?: ReplayCache;
  /** How long close() lets requests in flight finish. Default 10 000 ms. */
  readonly closeGraceMs?: number;
  /**
   * Whether this process serves the config's admin listener. Default true; a cluster worker says
   * false, because its primary serves /healthz, /readyz and the workers' metrics together.
   */
  readonly adminListener?: boolean;
  /**
   * For tests: the share of a core the process must use for a late event loop to count as
   * overload (default 0.75; see @rolegate/identity's OverloadOptions.minCpuShare).
   */
  readonly overloadMinCpuShare?: number;
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly error: Error };

export interface Gateway {
  /** The configuration in force. */
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** The first listener's URL, once listening. */
  readonly url: string;
  /** Every listener's URL, once listening, in config order. */
  readonly urls: readonly string[];
  /** The forward-auth listeners' URLs (`unix:<path>` for a socket), once listening; [] without `forwardAuth`. */
  readonly forwardAuthUrls: readonly string[];
  /** The admin listener's URL (/healthz, /readyz, /metrics), once listening; undefined when off. */
  readonly adminUrl: string | undefined;
  /** This gateway's Prometheus metrics (what the admin listener's /metrics serves). */
  readonly metricsRegistry: Registry;
  listen(): Promise<void>;
  /** Re-reads the config file (or applies `config`) and every policy; refuses and keeps the old on any error. */
  reload(config?: GatewayConfig): Promise<ReloadResult>;
  /** True when listening, not closing, and every credential kind has its keys. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createGateway(
  config: GatewayConfig,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const logger = options.logger ?? createGatewayLogger(config.logLevel);
  const metrics = new GatewayMetrics();
  const replayStore = createGatewayReplay(config, logger, options.replayCache);
  const replay = replayStore.cache;
  const source = options.configFile ?? 'config';
  let runtime: Runtime = buildRuntime(config, undefined, { metrics, replay, source, logger });
  warnAboutConfig(config, logger);

  // Overload shedding sits in front of the handlers: the first thing a request meets.
  const guard = createOverloadGuard(config.limits, logger, metrics.registry, {
    minCpuShare: options.overloadMinCpuShare,
  });
  const handlers = guardHandlers(
    guard,
    createRequestHandlers({ runtime: () => runtime, logger, metrics }),
    () => runtime.challenge,
  );
  const onClientError = createClientErrorHandler({
    logger,
    metrics,
    challenge: () => runtime.challenge,
  });
  const listeners: Listener[] = config.listeners.map((l) =>
    createListener(l, config.limits, handlers, onClientError, config.x509 !== undefined),
  );
  // A proxy's own auth requests (nginx auth_request, Traefik ForwardAuth…): decided like requests.
  const forwardAuth = createForwardAuthListeners(
    config,
    { runtime: () => runtime, logger, metrics },
    onClientError,
    // Shed like every request; nginx drops an auth answer's body, so the code rides in a header.
    (faHandlers) =>
      guardHandlers(guard, faHandlers, () => runtime.challenge, {
        [ERROR_CODE_HEADER]: 'gateway.overloaded',
        'x-accel-expires': '0',
      }),
  );
  let urls: string[] = [];
  let forwardAuthUrls: string[] = [];
  let adminUrl: string | undefined;
  let admin: Server | undefined;
  let state: 'created' | 'listening' | 'closing' = 'created';

  async function isReady(): Promise<boolean> {
    if (state !== 'listening') return false;
    // STS proofs need the replay cache: while a Redis one is unreachable they are all 503. A
    // gateway that takes no proofs does not depend on it.
    if (runtime.kinds.sts !== undefined && !replayStore.ready()) return false;
    const kinds = [runtime.kinds.jwt?.kind, runtime.kinds.sts?.kind];
    const ready = await Promise.all(kinds.map((k) => (k === undefined ? true : k.warmUp())));
    return ready.every(Boolean);
  }

  async function reload(next?: GatewayConfig): Promise<ReloadResult> {
    let built: Runtime;
    try {
      const candidate =
        next ?? (options.configFile ? loadGatewayConfigFile(options.configFile) : runtime.config);
      built = buildRuntime(candidate, runtime, { metrics, replay, source, logger });
    } catch (error) {
      metrics.reload('refused');
      logger.error({ err: error }, 'reload refused: the configuration in force is kept');
      return { ok: false, error: error as Error };
    }
    const restartOnly = restartOnlyChanges(runtime.config, built.config);
    if (restartOnly.length > 0) {
      logger.warn({ options: restartOnly }, 'these options changed but only apply after a restart');
    }
    warnAboutConfig(built.config, logger);
    const previous = runtime;
    runtime = built;
    void retireRuntime(previous, built);
    metrics.reload('applied');
    logger.info({ services: built.services.map((s) => s.name) }, 'configuration reloaded');
    return { ok: true };
  }

  return {
    get config() {
      return runtime.config;
    },
    logger,
    get url() {
      if (urls[0] === undefined) throw new Error('the gateway is not listening');
      return urls[0];
    },
    get urls() {
      return urls;
    },
    get forwardAuthUrls() {
      return forwardAuthUrls;
    },
    get adminUrl() {
      return adminUrl;
    },
    metricsRegistry: metrics.registry,
    async listen() {
      if (state !== 'created') throw new Error('listen() may be called once');
      // A Redis replay cache answers once before any listener opens, as the broker's does.
      await replayStore.connect();
      urls = await Promise.all(
        listeners.map(({ server, config: l }) =>
          startListening(server, l.host, l.port, l.tls === undefined ? 'http' : 'https', ACCEPTORS),
        ),
      );
      forwardAuthUrls = await forwardAuth.listen();
      if (config.admin !== false && options.adminListener !== false) {
        admin = createAdminServer({
          contentType: metrics.registry.contentType,
          metricsText: () => metrics.registry.metrics(),
          isReady,
        });
        adminUrl = await startListening(admin, config.admin.host, config.admin.port, 'http');
      }
      state = 'listening';
      guard.start();
      logger.info(
        {
          urls,
          ...(forwardAuthUrls.length > 0 ? { forwardAuthUrls } : {}),
          adminUrl,
          services: runtime.services.map((s) => s.name),
        },
        'gateway listening',
      );
      // Fetch the keys now rather than on the first request; failure only delays readiness.
      void isReady();
    },
    reload,
    isReady,
    async close() {
      if (state === 'closing') return;
      state = 'closing';
      const grace = options.closeGraceMs ?? 10_000;
      await Promise.all(listeners.map(({ server }) => stopListening(server, grace)));
      await forwardAuth.close(grace);
      if (admin !== undefined) await stopListening(admin, 0);
      guard.stop();
      await retireRuntime(runtime, undefined);
      if (replayStore.owned) await replay.close();
    },
  };
}
