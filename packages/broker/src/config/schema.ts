// Every broker option, its default and its check, in one place. The parsed config is frozen.
// Options that weaken security in production (`dev`, `sts.allowInsecureEndpoints`) are loud: the
// broker logs a warning at start when they are on.
import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../keys/algorithms.ts';
import { PARTITIONS } from '../sts/partitions.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AUDIENCE = /^[\x21-\x7e]{1,512}$/;

const stsSchema = z
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
    replay: z
      .object({ maxEntries: z.number().int().min(1000).default(1_000_000) })
      .strict()
      .default({ maxEntries: 1_000_000 }),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
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
    if (!config.dev && !config.sts.allowInsecureEndpoints) {
      for (const [host, url] of Object.entries(config.sts.endpointOverrides)) {
        if (!url.startsWith('https://') || isLoopback(new URL(url).hostname)) {
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

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}
