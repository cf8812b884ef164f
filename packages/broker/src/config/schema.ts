// Every broker option, its default and its check, in one place. The parsed config is frozen.
// Options that weaken security in production (`dev`, `sts.allowInsecureEndpoints`) are loud: the
// broker logs a warning at start when they are on.
import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.ts';
import { PARTITIONS } from '../sts/partitions.ts';
import { JWT_SVID_ALGORITHMS } from '../x509/jwt-svid-login.ts';
import { ROLE_ARN } from '../x509/profiles.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AUDIENCE = /^[\x21-\x7e]{1,512}$/;

/** The STS options every proof checker shares (broker, and the gateway's no-broker mode). */
export const stsSchema = z
  .object({
    /** Partitions whose STS endpoints proofs may name. */
    partitions: z.array(z.enum(PARTITIONS)).min(1).default(['aws']),
    /** Replace a partition's default region list (new regions appear every year). */
    regions: z
      .partialRecord(z.enum(PARTITIONS), z.array(z.string().regex(REGION)).min(1))
      .optional(),
    /** Accept the global endpoint sts.amazonaws.com (partition aws only). */
    globalEndpoint: z.boolean().default(true),
    /** Accept sts-fips.<region> endpoints. */
    fips: z.boolean().default(false),
    /** Accept dual-stack sts.<region>.api.aws endpoints. */
    dualStack: z.boolean().default(false),
    /** STS host (or `*`) → base URL to connect to instead: a VPC endpoint, a proxy, the emulator. The Host header stays the STS host. */
    endpointOverrides: z.record(z.string(), z.string().url()).default({}),
    /** Extra CA bundle (PEM file) trusted for overridden HTTPS endpoints. */
    caFile: z.string().optional(),
    /** Allow overrides to plain http:// or loopback addresses outside dev mode. Loud. */
    allowInsecureEndpoints: z.boolean().default(false),
    connectTimeoutMs: z.number().int().min(100).max(30_000).default(2_000),
    timeoutMs: z.number().int().min(200).max(60_000).default(5_000),
    /** How far in the future a proof's X-Amz-Date may be (clock skew). */
    maxFutureSkewSeconds: z.number().int().min(0).max(300).default(60),
  })
  .strict();

const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const SOURCE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

const trustDomainSchema = z
  .object({
    /** The SPIFFE trust domain name (lower case, as in spiffe://<name>/…). */
    name: z.string().regex(TRUST_DOMAIN, 'a trust domain name: [a-z0-9._-], at most 255'),
    /** SPIFFE bundle (JWK Set, or a bundle map holding this domain): X.509 and JWT authorities. */
    bundleFile: z.string().min(1).optional(),
    /** PEM CA certificates trusted for this domain's X.509-SVIDs (no JWT-SVIDs then). */
    caFile: z.string().min(1).optional(),
    /** CRL files (PEM or DER) of this domain's CAs. */
    crlFiles: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((d) => (d.bundleFile === undefined) !== (d.caFile === undefined), {
    message: 'give exactly one of bundleFile and caFile',
  });

const trustAnchorSchema = z
  .object({
    /** A name for logs and profiles. */
    name: z.string().regex(SOURCE_NAME),
    /** PEM CA certificates trusted for plain (non-SPIFFE) client certificates. */
    caFile: z.string().min(1),
    crlFiles: z.array(z.string().min(1)).default([]),
  })
  .strict();

const profileSchema = z
  .object({
    name: z.string().regex(SOURCE_NAME),
    /** The trust domain (or, instead, the trust anchor) whose certificates this profile admits. */
    trustDomain: z.string().optional(),
    trustAnchor: z.string().optional(),
    /** The role every admitted certificate becomes: `sub` of its tokens. */
    roleArn: z
      .string()
      .regex(ROLE_ARN, 'an IAM role ARN: arn:<partition>:iam::<account>:role/<name>')
      .refine((arn) => (PARTITIONS as readonly string[]).includes(arn.split(':')[1]!), {
        message: 'unknown partition',
      }),
    /** Shorter token lifetime for this profile (never longer than tokens.ttlSeconds). */
    ttlSeconds: z.number().int().min(60).max(43_200).optional(),
  })
  .strict()
  .refine((p) => (p.trustDomain === undefined) !== (p.trustAnchor === undefined), {
    message: 'give exactly one of trustDomain and trustAnchor',
  });

/**
 * The certificate trust settings: what the broker's certificate logins and the gateway's TLS
 * client certificates are checked against. The gateway takes exactly these fields.
 */
export const certificateTrustFields = {
  /** Tolerance for clock differences: certificate validity, CRL dates, assertion times. */
  clockSkewSeconds: z.number().int().min(0).max(300).default(60),
  trustDomains: z.array(trustDomainSchema).default([]),
  trustAnchors: z.array(trustAnchorSchema).default([]),
  profiles: z.array(profileSchema).default([]),
};

/** Names listed once, and every profile naming a source that exists (one profile per source). */
export function checkCertificateTrust(
  x509: {
    readonly trustDomains: readonly { readonly name: string }[];
    readonly trustAnchors: readonly { readonly name: string }[];
    readonly profiles: readonly {
      readonly name: string;
      readonly trustDomain?: string | undefined;
      readonly trustAnchor?: string | undefined;
    }[];
  },
  ctx: z.RefinementCtx,
): void {
  const unique = (names: string[], path: string) => {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (seen.has(name))
        ctx.addIssue({
          code: 'custom',
          path: [path, i, 'name'],
          message: `${name} is listed twice`,
        });
      seen.add(name);
    });
  };
  unique(
    x509.trustDomains.map((d) => d.name),
    'trustDomains',
  );
  unique(
    x509.trustAnchors.map((a) => a.name),
    'trustAnchors',
  );
  unique(
    x509.profiles.map((p) => p.name),
    'profiles',
  );
  const domains = new Set(x509.trustDomains.map((d) => d.name));
  const anchors = new Set(x509.trustAnchors.map((a) => a.name));
  const used = new Set<string>();
  x509.profiles.forEach((p, i) => {
    const source =
      p.trustDomain !== undefined ? `trustDomain:${p.trustDomain}` : `trustAnchor:${p.trustAnchor}`;
    if (p.trustDomain !== undefined && !domains.has(p.trustDomain))
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', i, 'trustDomain'],
        message: 'no such trust domain',
      });
    if (p.trustAnchor !== undefined && !anchors.has(p.trustAnchor))
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', i, 'trustAnchor'],
        message: 'no such trust anchor',
      });
    // The anchor a path ends at picks the profile: two profiles for one source would be a guess.
    if (used.has(source))
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', i],
        message: `a second profile for ${source}`,
      });
    used.add(source);
  });
}

export const x509Schema = z
  .object({
    ...certificateTrustFields,
    jwtSvid: z
      .object({
        /** Algorithms accepted on JWT-SVIDs. */
        algorithms: z
          .array(z.enum(JWT_SVID_ALGORITHMS))
          .min(1)
          .default([...JWT_SVID_ALGORITHMS]),
      })
      .strict()
      .default({ algorithms: [...JWT_SVID_ALGORITHMS] }),
  })
  .strict()
  .superRefine(checkCertificateTrust);

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
    principals: z
      .object({
        allowRoot: z.boolean().default(false),
        allowFederatedUsers: z.boolean().default(false),
        allowServiceLinkedRoles: z.boolean().default(false),
      })
      .strict()
      .default({ allowRoot: false, allowFederatedUsers: false, allowServiceLinkedRoles: false }),
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
      }),
    /**
     * Where used proofs are remembered. In memory by default (one broker process); with `redis`,
     * every replica shares one memory and a proof works once across all of them.
     */
    replay: z
      .object({
        /** Memory cache only: entries held at most; when full, logins are 503 (never evicted). */
        maxEntries: z.number().int().min(1000).default(1_000_000),
        redis: z
          .object({
            /** `redis://[user:password@]host:port[/db]` or `rediss://…`; never logged. */
            url: z.string().refine((u) => /^rediss?:\/\/[^/]/.test(u) && URL.canParse(u), {
              message: 'must be a redis:// or rediss:// URL',
            }),
            keyPrefix: z.string().min(1).max(64).default('rolegate:replay:'),
            /** A slower command (or connection) fails and the login answers 503. */
            commandTimeoutMs: z.number().int().min(50).max(10_000).default(1000),
            /** CA certificate (PEM) of a `rediss://` server with a private CA. */
            caFile: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ maxEntries: 1_000_000 }),
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

/** A loopback address or name, in any spelling URL parsing leaves (names, v4, v6, mapped v4). */
export function isLoopback(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host)
  );
}

/** Loopback, or an unspecified address (0.0.0.0, ::) which a client connects to as this machine. */
export function isLocalTarget(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return isLoopback(hostname) || ['0.0.0.0', '::', '::ffff:0.0.0.0', '::ffff:0:0'].includes(host);
}
