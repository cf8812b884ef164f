// Every broker option, its default and its check, in one place. The parsed config is frozen.
// Options that weaken security in production (`dev`, `sts.allowInsecureEndpoints`) are loud: the
// broker logs a warning at start when they are on.

import { isLocalTarget, isLoopback } from '@rolegate/core';
import {
  principalsSchema,
  REPLAY_DEFAULTS,
  replaySchema,
  stsSchema,
  x509Schema,
} from '@rolegate/identity';
import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AUDIENCE = /^[\x21-\x7e]{1,512}$/;

/** Overload shedding defaults (docs/broker.md, "Overload"). */
export const BROKER_LIMIT_DEFAULTS = {
  maxInFlight: 1_024,
  maxEventLoopDelayMs: 50,
  maxQueueMs: 250,
  maxRssBytes: 0,
} as const;

/** Where the admin listener (/healthz, /readyz, /metrics) listens unless configured. */
export const BROKER_ADMIN_DEFAULTS = { host: '127.0.0.1', port: 8701 } as const;

export const brokerConfigSchema = z
  .object({
    /** The `iss` of every token, and the base of the discovery URLs. */
    issuer: z.string().url(),
    /** The value proofs must sign as x-rolegate-audience. Default: the issuer. */
    loginAudience: z.string().regex(AUDIENCE).optional(),
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8700),
        /**
         * Serve HTTPS with this certificate. With an `x509` section the listener also asks for
         * client certificates, and the subject token type
         * `urn:rolegate:token-type:tls-client-certificate` logs in with the one presented.
         */
        tls: z
          .object({
            certFile: z.string().min(1),
            keyFile: z.string().min(1),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8700 }),
    /**
     * The admin listener: /healthz, /readyz and /metrics, apart from the token port, so that
     * clients of the token port cannot read the metrics and no proxy rule has to hide them.
     * Loopback by default: expose it to the scraper and the orchestrator, not to the network.
     * `false` turns it off.
     */
    admin: z
      .union([
        z
          .object({
            host: z.string().min(1).default(BROKER_ADMIN_DEFAULTS.host),
            port: z.number().int().min(0).max(65_535).default(BROKER_ADMIN_DEFAULTS.port),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ ...BROKER_ADMIN_DEFAULTS }),
    /**
     * Also serve /healthz, /readyz and /metrics on the token port, as brokers before the admin
     * listener did. Deprecated: true in this release (a warning at start says so), false by
     * default in the next, then removed. Point probes and scrapers at the admin listener.
     */
    opsOnMainPort: z.boolean().default(true),
    /** Folder for generated keys. */
    stateDir: z.string().default('.rolegate/broker'),
    /** Dev mode: emulated STS allowed, any authenticated principal may log in. Never in production. */
    dev: z.boolean().default(false),
    tokens: z
      .object({
        ttlSeconds: z.number().int().min(60).max(43_200).default(900),
        algorithm: z.enum(SIGNING_ALGORITHMS).default('RS256'),
      })
      .strict()
      .default({ ttlSeconds: 900, algorithm: 'RS256' }),
    keys: z
      .object({
        /**
         * KMS keys to start the ring with when the state folder has none yet (first run): the
         * broker then never holds a private key. Later changes go through `rolegate keys`.
         */
        kms: z
          .object({
            region: z.string().regex(REGION),
            /** Only for VPC endpoints and emulators; the SDK's regional endpoint otherwise. */
            endpoint: z.string().url().optional(),
            /** Key id, key ARN, alias name (`alias/…`) or alias ARN. */
            active: z.string().min(1).max(2048),
            standby: z.array(z.string().min(1).max(2048)).max(8).default([]),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    sts: stsSchema.default(stsSchema.parse({})),
    principals: principalsSchema,
    /** Login policy (IAM JSON): a file path or the document inline. Required outside dev mode. */
    loginPolicy: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    limits: z
      .object({
        /** Token requests per client IP per minute (0 = no limit). Checked before STS is called. */
        tokenRequestsPerIpPerMinute: z.number().int().min(0).default(120),
        /** Open connections at most; more are refused by the kernel backlog. */
        maxConnections: z.number().int().min(16).default(4096),
        /** A request (headers and body) must arrive within this time. Defeats slow-loris clients. */
        requestTimeoutMs: z.number().int().min(1000).max(120_000).default(10_000),
        /** The request head must arrive within this time. Default: requestTimeoutMs. */
        headersTimeoutMs: z.number().int().min(500).max(120_000).optional(),
        /** An idle keep-alive connection is closed after this. */
        keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
        /**
         * Overload: requests handled at once; a request beyond is answered 503
         * `broker.overloaded` with Retry-After at once, before its body is read. 0 = no bound.
         */
        maxInFlight: z.number().int().min(0).default(BROKER_LIMIT_DEFAULTS.maxInFlight),
        /**
         * Overload: event-loop delay (ms) above which the broker sheds the share of new requests
         * that brings the delay back under it (503 `broker.overloaded`). 0 = off.
         */
        maxEventLoopDelayMs: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .default(BROKER_LIMIT_DEFAULTS.maxEventLoopDelayMs),
        /**
         * Overload: while the event loop is saturated, requests in flight are held to what the
         * broker completes in this many ms at its capacity; new ones beyond are shed (503
         * `broker.overloaded`). Its requests include the STS round trip: keep it above that. 0 = off.
         */
        maxQueueMs: z.number().int().min(0).max(60_000).default(BROKER_LIMIT_DEFAULTS.maxQueueMs),
        /** Overload: resident memory (bytes) above which every new request is shed. 0 = off. */
        maxRssBytes: z.number().int().min(0).default(BROKER_LIMIT_DEFAULTS.maxRssBytes),
      })
      .strict()
      .refine((l) => l.headersTimeoutMs === undefined || l.headersTimeoutMs <= l.requestTimeoutMs, {
        path: ['headersTimeoutMs'],
        message: 'must not exceed requestTimeoutMs',
      })
      .default({
        tokenRequestsPerIpPerMinute: 120,
        maxConnections: 4096,
        requestTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5_000,
        ...BROKER_LIMIT_DEFAULTS,
      }),
    /**
     * Where used proofs are remembered. In memory by default (one broker process); with `redis`,
     * every replica (and every gateway on the same Redis) shares one memory and a proof works once
     * across all of them. The options are @rolegate/identity's, shared with the gateway.
     */
    replay: replaySchema.default({ maxEntries: REPLAY_DEFAULTS.maxEntries }),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** X.509 and SPIFFE login (docs/specs/x509.md). Absent: those token types are refused. */
    x509: x509Schema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (!config.dev && config.loginPolicy === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['loginPolicy'],
        message: 'required outside dev mode: say who may log in',
      });
    }
    if (!config.dev && !config.issuer.startsWith('https://')) {
      ctx.addIssue({
        code: 'custom',
        path: ['issuer'],
        message: 'must be https:// outside dev mode',
      });
    }
    if (config.x509 !== undefined) {
      config.x509.profiles.forEach((p, i) => {
        if (p.ttlSeconds !== undefined && p.ttlSeconds > config.tokens.ttlSeconds) {
          ctx.addIssue({
            code: 'custom',
            path: ['x509', 'profiles', i, 'ttlSeconds'],
            message: 'longer than tokens.ttlSeconds',
          });
        }
      });
    }
    if (config.dev && !isLoopback(config.listen.host)) {
      // Dev mode lets any AWS principal anywhere log in; it must never face a network.
      ctx.addIssue({
        code: 'custom',
        path: ['listen', 'host'],
        message: 'dev mode listens on loopback only',
      });
    }
    if (!config.dev && !config.sts.allowInsecureEndpoints) {
      for (const [host, url] of Object.entries(config.sts.endpointOverrides)) {
        if (!url.startsWith('https://') || isLocalTarget(new URL(url).hostname)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sts', 'endpointOverrides', host],
            message:
              'plain http or loopback STS endpoints need dev mode or sts.allowInsecureEndpoints: true',
          });
        }
      }
    }
  });

export type BrokerConfigInput = z.input<typeof brokerConfigSchema>;
export type BrokerConfig = Readonly<z.output<typeof brokerConfigSchema>>;
