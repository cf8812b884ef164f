// One service: where its requests come from (listener match), where they go (upstreams), how they
// are authorized (auth type, policy) and how long the upstream may take. Every default is here,
// beside its option; docs/gateway.md documents each one. Defaults that depend on another option
// (`serviceArn` from `name`, `audiences` from `serviceArn`) are filled in by the transform at the end.

import { z } from 'zod';

/** A service name: safe inside an ARN, a metric label and a log field. */
export const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A host name, `*.suffix`, an IPv4 address or a bracketed IPv6 address; lower case, no port. */
const HOST_PATTERN = new RegExp(
  `^(?:\\*\\.)?${HOST_LABEL}(?:\\.${HOST_LABEL})*$|^\\[[0-9a-f:.]+\\]$`,
);
/** A literal path prefix: printable ASCII without escapes, backslashes, queries or fragments. */
const PATH_PREFIX = /^\/[\x21-\x7e]*$/;
/** An ARN with all six parts and no wildcard (the resource of every decision starts with it). */
const SERVICE_ARN = /^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s*?]+$/;
const AUDIENCE = /^[\x21-\x7e]{1,512}$/;

export const SERVICE_DEFAULTS = Object.freeze({
  pathPrefix: '/',
  authType: 'AWS_IAM',
  forwardToken: false,
  preserveHost: true,
  caseInsensitivePaths: false,
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  connections: 128,
});

const pathPrefix = z
  .string()
  .regex(PATH_PREFIX, 'must start with / and be printable ASCII')
  .refine(
    (p) => !/[%\\?#]/.test(p) && !p.split('/').some((s) => s === '.' || s === '..'),
    'must be a normalised path: no %, \\, ?, # or dot segments',
  );

const upstreamUrl = z.url({ protocol: /^https?$/ }).refine((text) => {
  const url = new URL(text);
  return url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '';
}, 'must be an origin (scheme, host, port) without path, query or credentials');

const upstreamSchema = z
  .object({
    /** Time to open a connection to an upstream (504 when exceeded). */
    connectTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(SERVICE_DEFAULTS.connectTimeoutMs),
    /** Time from sending the request to receiving the response headers (504 when exceeded). */
    headersTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(SERVICE_DEFAULTS.headersTimeoutMs),
    /** Longest silence while the response body streams; the response is cut when exceeded. */
    idleTimeoutMs: z.number().int().min(100).max(3_600_000).default(SERVICE_DEFAULTS.idleTimeoutMs),
    /** Connections kept per upstream URL. */
    connections: z.number().int().min(1).max(4_096).default(SERVICE_DEFAULTS.connections),
    /** Extra CA bundle (PEM file) trusted for https upstreams. */
    caFile: z.string().min(1).optional(),
    /** Send the client's Host header upstream (as Lattice does); false sends the upstream's host. */
    preserveHost: z.boolean().default(SERVICE_DEFAULTS.preserveHost),
    /**
     * The upstream matches paths in any letter case (Express's default, ASP.NET, IIS): the policy
     * then decides on the path in lower case, so `/ADMIN` meets a Deny on `/admin*`.
     */
    caseInsensitivePaths: z.boolean().default(SERVICE_DEFAULTS.caseInsensitivePaths),
  })
  .strict();

export const serviceSchema = z
  .object({
    name: z.string().regex(SERVICE_NAME, 'lower-case letters, digits and -, at most 63'),
    /** Which requests are this service's: any of `hosts` (absent = any host), under `pathPrefix`. */
    listener: z
      .object({
        hosts: z
          .array(z.string().regex(HOST_PATTERN, 'a lower-case host name, *.suffix, or IP; no port'))
          .min(1)
          .optional(),
        pathPrefix: pathPrefix.default(SERVICE_DEFAULTS.pathPrefix),
      })
      .strict()
      .prefault({}),
    /** One or more upstream origins; several are balanced. */
    upstreams: z.array(upstreamUrl).min(1),
    /** The resource prefix of every decision. Default `arn:rolegate:lattice:::service/<name>`. */
    serviceArn: z.string().regex(SERVICE_ARN, 'must be an ARN without wildcards').optional(),
    /** Accepted token `aud` values, and the login audience of STS proofs. Default: [serviceArn]. */
    audiences: z.array(z.string().regex(AUDIENCE)).min(1).optional(),
    /** `AWS_IAM`: identify the caller, evaluate network and service policies. `NONE`: network policy only. */
    authType: z.enum(['AWS_IAM', 'NONE']).default('AWS_IAM'),
    /** The service's auth policy: a JSON file path, or the document inline. None = deny all. */
    policy: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    /** Forward the verified bearer token upstream in Authorization (default: strip it). */
    forwardToken: z.boolean().default(SERVICE_DEFAULTS.forwardToken),
    upstream: upstreamSchema.prefault({}),
  })
  .strict()
  .superRefine((service, ctx) => {
    if (service.authType === 'NONE' && service.policy !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        message: 'a NONE service evaluates no policy; use AWS_IAM or remove the policy',
      });
    }
  })
  .transform((service) => {
    const serviceArn = service.serviceArn ?? `arn:rolegate:lattice:::service/${service.name}`;
    return { ...service, serviceArn, audiences: service.audiences ?? [serviceArn] };
  });

export type ServiceConfig = z.output<typeof serviceSchema>;
