// Every gateway option, its default and its check, in one place (services in service-schema.ts).
// The parsed config is frozen. Options that weaken security are explicit and loud: the gateway logs
// a warning at start when they are on (`jwt.allowInsecureHttp`, `sts.allowInsecureEndpoints`).

import { isLocalTarget } from '@rolegate/core';
import {
  stsSchema as brokerStsSchema,
  certificateTrustFields,
  checkCertificateTrust,
  principalsSchema,
  replaySchemaWithoutDefaults,
} from '@rolegate/identity';
import { SUPPORTED_ALGORITHMS } from '@rolegate/verify';
import { z } from 'zod';
import { forwardAuthSchema } from './forward-auth-schema.ts';
import { serviceSchema } from './service-schema.ts';

const ORG_ID = /^o-[a-z0-9]{10,32}$/;

export const GATEWAY_DEFAULTS = Object.freeze({
  listen: { host: '127.0.0.1', port: 8080 },
  admin: { host: '127.0.0.1', port: 9901 },
  maxHeaderBytes: 16_384,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  maxInFlight: 4_096,
  maxEventLoopDelayMs: 50,
  maxQueueMs: 0,
  maxRssBytes: 0,
  algorithms: ['RS256'] as const,
  clockToleranceSeconds: 30,
  tokenCacheSize: 10_000,
  stsConnectTimeoutMs: 2_000,
  stsTimeoutMs: 5_000,
  stsMaxFutureSkewSeconds: 60,
  replayMaxEntries: 1_000_000,
  logLevel: 'info',
});

const listenerSchema = z
  .object({
    host: z.string().min(1).default(GATEWAY_DEFAULTS.listen.host),
    port: z.number().int().min(0).max(65_535).default(GATEWAY_DEFAULTS.listen.port),
    /** Serve HTTPS with this certificate and key (PEM files). */
    tls: z
      .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();

const adminSchema = z
  .object({
    host: z.string().min(1).default(GATEWAY_DEFAULTS.admin.host),
    port: z.number().int().min(0).max(65_535).default(GATEWAY_DEFAULTS.admin.port),
  })
  .strict();

const jwtSchema = z
  .object({
    /** `iss` of accepted tokens: the broker's issuer URL. */
    issuer: z.url(),
    /** The broker's JWKS. Default `<issuer>/.well-known/jwks.json`. */
    jwksUri: z.url().optional(),
    /** A JWKS file to use instead of fetching one (fixed keys; re-read on reload). */
    jwksFile: z.string().min(1).optional(),
    algorithms: z
      .array(z.enum(SUPPORTED_ALGORITHMS))
      .min(1)
      .default([...GATEWAY_DEFAULTS.algorithms]),
    clockToleranceSeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(GATEWAY_DEFAULTS.clockToleranceSeconds),
    /** Verified tokens remembered; 0 turns the cache off. */
    tokenCacheSize: z.number().int().min(0).max(1_000_000).default(GATEWAY_DEFAULTS.tokenCacheSize),
    /** Allow an http: JWKS on a host other than loopback. Never in production. Loud. */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict()
  .refine((jwt) => jwt.jwksUri === undefined || jwt.jwksFile === undefined, {
    message: 'give jwksUri or jwksFile, not both',
  });

// The broker's STS options (same names, defaults and checks), plus what only the gateway needs.
const stsSchema = brokerStsSchema
  .extend({
    /** Old name of `replay.maxEntries` (still read; a warning at start says to move it). */
    replayMaxEntries: z.number().int().min(1_000).optional(),
    principals: principalsSchema,
  })
  .strict()
  .superRefine((sts, ctx) => {
    if (sts.allowInsecureEndpoints) return;
    for (const [host, url] of Object.entries(sts.endpointOverrides)) {
      const { protocol, hostname } = new URL(url);
      if (protocol !== 'https:' || isLocalTarget(hostname)) {
        ctx.addIssue({
          code: 'custom',
          path: ['endpointOverrides', host],
          message: 'plain http or loopback STS endpoints need sts.allowInsecureEndpoints: true',
        });
      }
    }
  });

const limitsSchema = z
  .object({
    /** Largest request head (request line and headers); larger is 431. */
    maxHeaderBytes: z
      .number()
      .int()
      .min(1_024)
      .max(1_048_576)
      .default(GATEWAY_DEFAULTS.maxHeaderBytes),
    /** The request head must arrive within this time (408); defeats slow headers. */
    headersTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(GATEWAY_DEFAULTS.headersTimeoutMs),
    /** The whole request, body included, must arrive within this time (408); 0 = no limit. */
    requestTimeoutMs: z
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(GATEWAY_DEFAULTS.requestTimeoutMs),
    /** How long an idle client connection is kept open between requests. */
    keepAliveTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(GATEWAY_DEFAULTS.keepAliveTimeoutMs),
    /** Open client connections per listener at most; more are closed at once. */
    maxConnections: z.number().int().min(16).default(GATEWAY_DEFAULTS.maxConnections),
    /**
     * Overload: requests handled at once per process (each worker); a request beyond is answered
     * 503 `gateway.overloaded` with Retry-After at once. 0 = no bound.
     */
    maxInFlight: z.number().int().min(0).default(GATEWAY_DEFAULTS.maxInFlight),
    /**
     * Overload: event-loop delay (ms) above which the gateway sheds the share of new requests
     * (503 `gateway.overloaded`) that brings the delay back under it. 0 = off.
     */
    maxEventLoopDelayMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(GATEWAY_DEFAULTS.maxEventLoopDelayMs),
    /**
     * Overload: while the event loop is saturated, requests in flight are held to what the gateway
     * completes in this many ms at its capacity; new ones beyond are shed. A gateway's requests
     * include the upstream's time, so it must stay above the upstream's latency: off by default
     * (docs/operations.md, "Overload"). 0 = off.
     */
    maxQueueMs: z.number().int().min(0).max(60_000).default(GATEWAY_DEFAULTS.maxQueueMs),
    /** Overload: resident memory (bytes) above which every new request is shed. 0 = off. */
    maxRssBytes: z.number().int().min(0).default(GATEWAY_DEFAULTS.maxRssBytes),
  })
  .strict()
  .refine((l) => l.requestTimeoutMs === 0 || l.headersTimeoutMs <= l.requestTimeoutMs, {
    path: ['headersTimeoutMs'],
    message: 'must not exceed requestTimeoutMs',
  });

export const gatewayConfigSchema = z
  .object({
    /** Where clients connect: one or more listeners, plain or TLS. */
    listeners: z
      .array(listenerSchema)
      .min(1)
      .default([{ ...GATEWAY_DEFAULTS.listen }]),
    /** /healthz, /readyz and /metrics, apart from service traffic; `false` turns it off. */
    admin: z.union([adminSchema, z.literal(false)]).default({ ...GATEWAY_DEFAULTS.admin }),
    /** Bearer tokens from a rolegate broker; absent = Bearer credentials are refused. */
    jwt: jwtSchema.optional(),
    /** Raw presigned STS proofs (`Authorization: RoleGate-STS rgsts1.…`); absent = refused. */
    sts: stsSchema.optional(),
    /**
     * Where used STS proofs are remembered: the broker's `replay` options. In memory (one gateway,
     * its workers included) by default; with `redis`, every gateway host and broker on the same
     * Redis refuses a proof spent at any of them. Only a restart applies a change.
     */
    replay: replaySchemaWithoutDefaults.prefault({}),
    /**
     * TLS client certificates: HTTPS listeners ask for one, and a request without Authorization
     * on a connection that presented one is that certificate's principal (the broker's `x509`
     * rules and mapping; `jwtSvid` does not apply).
     */
    x509: z
      .object(certificateTrustFields)
      .strict()
      .superRefine((x509, ctx) => {
        checkCertificateTrust(x509, ctx);
        x509.profiles.forEach((p, i) => {
          if (p.ttlSeconds !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['profiles', i, 'ttlSeconds'],
              message: 'the gateway issues no tokens: ttlSeconds does not apply',
            });
        });
      })
      .optional(),
    /** Lattice's service network: its ARN, and a policy every service's requests must also pass. */
    serviceNetwork: z
      .object({
        arn: z.string().min(1).optional(),
        policy: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
      })
      .strict()
      .optional(),
    /** Account id → AWS Organizations id, for `aws:PrincipalOrgID`. */
    orgIds: z.record(z.string().regex(/^\d{12}$/), z.string().regex(ORG_ID)).default({}),
    limits: limitsSchema.prefault({}),
    /**
     * Accept `_` in request header names (nginx's `underscores_in_headers on`). Off: such a request
     * is refused (400), because WSGI, CGI, PHP and Rack read `x_tenant` as `x-tenant`. On: reserved
     * names are still stripped in every spelling, and a policy-read header spelled with `_` is refused.
     */
    underscoresInHeaders: z.boolean().default(false),
    /**
     * Accept a raw `;` in request paths. Off: such a request is refused (400), because servlet
     * containers (Jetty, Tomcat, Undertow) drop `;params` from every segment and Fastify 4 ends the
     * path there, so `/admin;x/secret` is `/admin/secret` to them and another path to a policy.
     */
    semicolonsInPaths: z.boolean().default(false),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** Forward-auth listeners for a proxy of the operator's own (forward-auth-schema.ts). */
    forwardAuth: forwardAuthSchema.optional(),
    services: z.array(serviceSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.sts?.replayMaxEntries !== undefined && config.replay.maxEntries !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sts', 'replayMaxEntries'],
        message: 'the old name of replay.maxEntries: give replay.maxEntries only',
      });
    }
    if (config.x509 !== undefined && !config.listeners.some((l) => l.tls !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['x509'],
        message: 'client certificates need a listener with tls',
      });
    }
    const names = new Set<string>();
    const matches = new Set<string>();
    config.services.forEach((service, i) => {
      if (names.has(service.name)) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: 'duplicate name' });
      }
      names.add(service.name);
      for (const host of service.listener.hosts ?? ['*']) {
        const key = `${host} ${service.listener.pathPrefix}`;
        if (matches.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'listener'],
            message: `another service already matches ${host} under ${service.listener.pathPrefix}`,
          });
        }
        matches.add(key);
      }
    });
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
export type GatewayConfig = Readonly<z.output<typeof gatewayConfigSchema>>;
