// Assembles a broker from a validated config: key ring, STS client, replay cache, login policy and
// the HTTP routes. `createBroker` does all checks that can fail before the broker listens.
import { constants as cryptoConstants, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecureContextOptions, TLSSocket, TlsOptions } from 'node:tls';
import rateLimit from '@fastify/rate-limit';
import { ConfigError } from '@rolegate/core';
import {
  ACCEPTORS,
  type AcceptGroup,
  buildStsAllowList,
  connectReplayCache,
  createConfiguredReplayCache,
  LISTEN_BACKLOG,
  listenWithAcceptors,
  RedisReplayCache,
  type ReplayCache,
  StsCaller,
  StsLogin,
  type TrustStore,
} from '@rolegate/identity';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { strayStsOverrides } from './config/check-config.ts';
import type { BrokerConfig } from './config/schema.ts';
import { BrokerError } from './errors/broker-error.ts';
import {
  type AdminListener,
  startAdminListener,
  warnAboutOpsOnMainPort,
} from './http/admin-listener.ts';
import { registerDiscoveryRoutes } from './http/discovery-routes.ts';
import { createLogger } from './http/logger.ts';
import { BrokerMetrics } from './http/metrics.ts';
import { sendOAuthError } from './http/oauth-error.ts';
import { registerOpsRoutes } from './http/ops-routes.ts';
import { createOverloadGuard, shedOverload } from './http/overload.ts';
import { registerRequestLog } from './http/request-log.ts';
import { registerTokenRoute } from './http/token-route.ts';
import { LoginPolicy } from './identity/login-policy.ts';
import type { KeyRing } from './keys/key-ring.ts';
import { KeyRingHolder } from './keys/key-ring-holder.ts';
import { type KmsClientFactory, KmsKeySource } from './keys/kms-signer.ts';
import { buildClaims } from './token/claims.ts';
import { signToken } from './token/sign-token.ts';
import { openTrustStore, x509Logins } from './x509-logins.ts';

export interface BrokerOptions {
  readonly logger?: Logger;
  readonly replayCache?: ReplayCache;
  /** Clock in ms, for tests. */
  readonly now?: () => number;
  /**
   * Makes the KMS client for the KMS keys the ring names (region and endpoint come from the ring
   * entry). Default: the SDK's default credential chain with the broker's retry and timeouts.
   */
  readonly kmsClientFactory?: KmsClientFactory;
}

export interface Broker {
  readonly app: FastifyInstance;
  readonly config: BrokerConfig;
  readonly loginAudience: string;
  readonly logger: Logger;
  /** The signing keys; `keys.reload()` re-reads keyring.json (also done on change and SIGHUP). */
  readonly keys: KeyRingHolder;
  /** X.509 and SPIFFE trust sources (when `x509` is configured); reloaded on change and SIGHUP. */
  readonly trust: TrustStore | undefined;
  /** The admin listener's URL (/healthz, /readyz, /metrics), once listening; undefined when off. */
  readonly adminUrl: string | undefined;
  /**
   * Listens on config.listen (or the given port), and the admin listener on config.admin, and
   * returns the token port's base URL.
   */
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

export async function createBroker(
  config: BrokerConfig,
  options: BrokerOptions = {},
): Promise<Broker> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const now = options.now ?? Date.now;
  const loginAudience = config.loginAudience ?? config.issuer;
  warnAboutLooseSettings(config, logger);
  warnAboutOpsOnMainPort(config, logger);
  // Trust sources first: a bad bundle or CA file stops the broker before anything is opened.
  const trust = openTrustStore(config, logger);

  const kms = new KmsKeySource(options.kmsClientFactory);
  const keys = await KeyRingHolder.open({
    dir: join(config.stateDir, 'keys'),
    seed: { algorithm: config.tokens.algorithm, kms: config.keys.kms },
    selfTest,
    logger,
    kms,
  }).catch((error: unknown) => {
    // A broker that refuses to start must not leave KMS connections open.
    kms.close();
    throw error;
  });
  // Tokens signed by a retiring key stay verifiable for their lifetime plus verifiers' leeway.
  const retainSeconds = config.tokens.ttlSeconds + 300;
  const loginPolicy = LoginPolicy.load(config.loginPolicy);
  const replay =
    options.replayCache ??
    createConfiguredReplayCache(config.replay, { logger, now, server: 'broker' });
  const caller = new StsCaller({
    connectTimeoutMs: config.sts.connectTimeoutMs,
    totalTimeoutMs: config.sts.timeoutMs,
    maxBodyBytes: 64 * 1024,
    ca: config.sts.caFile ? readFileSync(config.sts.caFile, 'utf8') : undefined,
    overrides: config.sts.endpointOverrides,
  });
  const allowList = buildStsAllowList({
    partitions: config.sts.partitions,
    regions: config.sts.regions,
    global: config.sts.globalEndpoint,
    fips: config.sts.fips,
    dualStack: config.sts.dualStack,
  });
  // A mistyped override would be silently ignored and proofs sent to the real endpoint instead.
  const strayOverrides = strayStsOverrides(config.sts, allowList);
  if (strayOverrides.length > 0) {
    throw new ConfigError(
      'config',
      strayOverrides.map(
        (h) =>
          `sts.endpointOverrides.${h}: not an allowed STS host (check partitions, regions, fips, dualStack)`,
      ),
    );
  }
  const stsLogin = new StsLogin({
    allowList,
    caller,
    replay,
    loginAudience,
    principalRules: config.principals,
    maxFutureSkewSeconds: config.sts.maxFutureSkewSeconds,
    now,
  });
  const certificateLogins = x509Logins(config, trust, replay, loginAudience, now);

  const metrics = new BrokerMetrics();
  const https = tlsListenerOptions(config);
  const timeouts = serverTimeouts(config.limits);
  const app = Fastify({
    // Node reads its timeouts when the server is created: set after (as Fastify's own options
    // are), the head timeout stays at Node's 60 s and expired requests are looked for every 30 s,
    // so a client trickling bytes held a connection for over a minute.
    ...(https === undefined ? { http: timeouts } : { https: { ...https, ...timeouts } }),
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    // One request line in the shared shape (./http/request-log.ts) instead of Fastify's two, and
    // every line of a request names it `requestId`, as the gateway's do.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    requestIdHeader: false,
    bodyLimit: 16 * 1024,
    return503OnClosing: true,
    requestTimeout: timeouts.requestTimeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
    connectionTimeout: config.limits.requestTimeoutMs * 3,
  });
  app.server.maxConnections = config.limits.maxConnections;
  // Overload shedding: the first thing a request on the token port meets (./http/overload.ts).
  const overload = createOverloadGuard(config.limits, logger, metrics.registry);
  shedOverload(app.server, overload, config.opsOnMainPort);
  // A client certificate is read per request: renegotiation must not swap it mid-connection.
  // Node only reports a renegotiation attempt (the handshake still completes): the connection
  // is dropped here.
  if (https !== undefined) {
    app.server.on('secureConnection', (socket: TLSSocket) => {
      socket.disableRenegotiation();
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ERR_TLS_RENEGOTIATION_DISABLED') socket.destroy();
      });
    });
  }
  // Per-IP limit on token requests, before any STS call: keeps one client from spending the
  // broker's STS quota or filling the replay cache.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      const error = new BrokerError('request.rate_limited', `over ${context.max} per minute`, {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
      });
      return Object.assign(new Error(error.message), { statusCode: 429, rolegate: error });
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler((error: FastifyError & { rolegate?: BrokerError }, _request, reply) =>
    sendOAuthError(reply, error.rolegate ?? fromFastifyError(error)),
  );
  app.setNotFoundHandler((_request, reply) =>
    sendOAuthError(reply, new BrokerError('broker.not_found')),
  );

  registerRequestLog(app, logger);
  // Logins need the replay cache: a broker whose Redis is unreachable answers 503 to them all.
  const isReady = () => !(replay instanceof RedisReplayCache) || replay.ready;
  if (config.opsOnMainPort) registerOpsRoutes(app, { metrics, isReady });
  registerDiscoveryRoutes(app, {
    issuer: config.issuer,
    loginAudience,
    publishedKeys: () => keys.current.published(now(), retainSeconds),
  });
  registerTokenRoute(app, {
    rateLimitPerMinute: config.limits.tokenRequestsPerIpPerMinute,
    issuer: config.issuer,
    ttlSeconds: config.tokens.ttlSeconds,
    stsLogin,
    ...certificateLogins,
    loginPolicy,
    keyRing: () => keys.current,
    metrics,
    now,
  });
  await app.ready();
  if (replay instanceof RedisReplayCache && options.replayCache === undefined) {
    await connectReplayCache(replay, config.replay.redis?.url ?? '', logger).catch(
      async (error: unknown) => {
        await Promise.all([app.close(), caller.close(), replay.close()]);
        keys.close();
        trust?.close();
        kms.close();
        throw error;
      },
    );
  }
  // Only now, when nothing else can fail: a watcher left open by a failed start would keep the
  // process alive.
  keys.watch();
  trust?.watch();

  let admin: AdminListener | undefined;
  let acceptGroup: AcceptGroup | undefined;
  return {
    app,
    config,
    loginAudience,
    logger,
    trust,
    get adminUrl() {
      return admin?.url;
    },
    async listen(port = config.listen.port) {
      // Several sockets on the port (identity's ops/acceptors.ts): a saturated broker still takes
      // new connections, so its queue bound sheds what it cannot serve instead of the kernel
      // holding it until the callers give up. Fastify opens its own server (the group's first).
      let url = '';
      acceptGroup = await listenWithAcceptors(app.server, {
        host: config.listen.host,
        port,
        backlog: LISTEN_BACKLOG,
        acceptors: ACCEPTORS,
        listen: async (options) => {
          url = await app.listen(options);
        },
      });
      overload.start();
      if (config.admin !== false)
        admin = await startAdminListener(config.admin, { metrics, isReady });
      logger.info({ url, adminUrl: admin?.url, issuer: config.issuer }, 'broker listening');
      return url;
    },
    keys,
    async close() {
      overload.stop();
      acceptGroup?.close();
      keys.close();
      trust?.close();
      kms.close();
      await admin?.close();
      await app.close();
      await caller.close();
      await replay.close();
    },
  };
}

/**
 * HTTPS settings for `listen.tls`. With an `x509` section the server asks for a client
 * certificate, but leaves every decision to rolegate's own path validation: Node's check is off,
 * and a connection without a certificate still reaches the other logins. Session tickets are off:
 * a resumed session carries the leaf but not the intermediates the client first sent.
 */
/** node:http server options: the deadlines a client must meet, and how often they are checked. */
function serverTimeouts(limits: BrokerConfig['limits']) {
  const headersTimeout = limits.headersTimeoutMs ?? limits.requestTimeoutMs;
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, headersTimeout / 4)),
  };
}

function tlsListenerOptions(config: BrokerConfig): (SecureContextOptions & TlsOptions) | undefined {
  const tls = config.listen.tls;
  if (tls === undefined) return undefined;
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError('config', [`listen.tls.${what}: ${(error as Error).message}`]);
    }
  };
  const requestCert = config.x509 !== undefined;
  return {
    cert: read(tls.certFile, 'certFile'),
    key: read(tls.keyFile, 'keyFile'),
    minVersion: 'TLSv1.2',
    requestCert,
    rejectUnauthorized: false,
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  };
}

function fromFastifyError(error: FastifyError): BrokerError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BrokerError('request.unsupported_media_type', error.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BrokerError('request.too_large', error.message);
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new BrokerError('request.malformed', error.message);
      }
      return new BrokerError('broker.internal', error.message, { cause: error });
  }
}

/** Refuse to start with a key that cannot sign: better no broker than one that fails every login. */
async function selfTest(ring: KeyRing): Promise<void> {
  const key = ring.active;
  await signToken(
    buildClaims({
      issuer: 'self-test',
      audience: 'self-test',
      principal: {
        arn: 'arn:aws:iam::000000000000:root',
        sessionArn: 'arn:aws:iam::000000000000:root',
        type: 'Account',
        partition: 'aws',
        account: '000000000000',
        name: '000000000000',
        userId: '000000000000',
        uniqueId: '000000000000',
      },
      nowSeconds: 0,
      ttlSeconds: 60,
      jti: 'self-test',
    }),
    key,
  );
}

function warnAboutLooseSettings(config: BrokerConfig, logger: Logger): void {
  if (config.dev)
    logger.warn('dev mode: emulated STS endpoints are allowed; never run dev mode in production');
  if (config.dev && config.loginPolicy === undefined) {
    logger.warn(
      'dev mode without a login policy: any principal STS authenticates may obtain a token',
    );
  }
  if (config.sts.allowInsecureEndpoints)
    logger.warn('sts.allowInsecureEndpoints is on: STS may be reached over plain http');
}
