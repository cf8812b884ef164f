// The options of the login checks, shared by every package that checks a credential (the broker,
// and the gateway's no-broker mode and client certificates): one set of names, defaults and
// checks. Each schema lists its file-path fields beside it (`*_FILE_FIELDS`), so the one config
// loader can make them relative to the config file.

import { PARTITIONS } from '@rolegate/core';
import { z } from 'zod';
import { JWT_SVID_ALGORITHMS } from '../x509/jwt-svid-login.ts';
import { ROLE_ARN } from '../x509/profiles.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

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

/** Which kinds of principal may log in (the others are refused, 403). */
export const principalsSchema = z
  .object({
    allowRoot: z.boolean().default(false),
    allowFederatedUsers: z.boolean().default(false),
    allowServiceLinkedRoles: z.boolean().default(false),
  })
  .strict()
  .prefault({});

/** File-path fields of stsSchema (`*` stands for any array index or record key). */
export const STS_FILE_FIELDS = ['caFile'] as const;
/** File-path fields of the certificate trust settings. */
export const CERTIFICATE_TRUST_FILE_FIELDS = [
  'trustDomains.*.bundleFile',
  'trustDomains.*.caFile',
  'trustDomains.*.crlFiles.*',
  'trustAnchors.*.caFile',
  'trustAnchors.*.crlFiles.*',
] as const;

/** The file fields of the `sts` and `x509` sections, as the broker and the gateway both name them. */
export const LOGIN_FILE_FIELDS: readonly string[] = [
  ...STS_FILE_FIELDS.map((f) => `sts.${f}`),
  ...CERTIFICATE_TRUST_FILE_FIELDS.map((f) => `x509.${f}`),
];

export type StsConfig = z.output<typeof stsSchema>;
export type CertificateTrustConfig = z.output<z.ZodObject<typeof certificateTrustFields>>;
export type X509Config = z.output<typeof x509Schema>;
export type PrincipalsConfig = z.output<typeof principalsSchema>;
