// The `forwardAuth` section: listeners where a proxy the operator already runs (nginx
// auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz in HTTP mode) asks the
// gateway to decide about a request it holds, instead of sending the request through. Who may ask
// is explicit: the original request travels in headers, and headers are only as trustworthy as
// whoever set them — so only configured proxy addresses (and, optionally, holders of a shared
// secret) are believed. docs/forward-auth.md explains every option.

import { isIP } from 'node:net';
import { z } from 'zod';

export const FORWARD_AUTH_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8081,
  trustedProxies: ['127.0.0.0/8', '::1/128'] as const,
  secretHeader: 'x-rolegate-forward-auth-secret',
  decisionCacheSeconds: 0,
});

/**
 * How the proxy describes the request it holds. `x-forwarded`: Traefik and Caddy
 * (`X-Forwarded-Method`, `-Uri`, `-Host`, `-Proto`). `x-original`: nginx `auth_request` and
 * ingress-nginx (`X-Original-Method`, `X-Original-URI`, the host from `hostHeader`). `envoy`:
 * ext_authz's HTTP service, which sends the original method, path (after `pathPrefix`) and Host.
 * Never guessed per request: a client could otherwise pick the reading that suits it.
 */
export const FORWARD_AUTH_CONVENTIONS = ['x-forwarded', 'x-original', 'envoy'] as const;
export type ForwardAuthConvention = (typeof FORWARD_AUTH_CONVENTIONS)[number];

const HEADER_NAME = /^[a-z0-9-]+$/;

/** `10.0.0.0/8`, `fd00::/8`, or one address (a /32 or /128). */
function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

const forwardAuthListenerSchema = z
  .object({
    host: z.string().min(1).default(FORWARD_AUTH_DEFAULTS.host),
    port: z.number().int().min(0).max(65_535).default(FORWARD_AUTH_DEFAULTS.port),
    /** Listen on this Unix socket path instead of host:port; its connections are trusted. */
    socket: z.string().min(1).optional(),
    convention: z.enum(FORWARD_AUTH_CONVENTIONS).default('x-forwarded'),
    /**
     * Where the original Host is read: `x-forwarded-host` (default for the header conventions),
     * `host` (the auth request's own Host; Envoy's default, nginx with `proxy_set_header Host
     * $host`), or `x-original-url` (the authority of ingress-nginx's `X-Original-URL`).
     */
    hostHeader: z.enum(['x-forwarded-host', 'host', 'x-original-url']).optional(),
    /** Envoy's `http_service.path_prefix`: removed from the auth request's path (envoy only). */
    pathPrefix: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path like /ext-authz (no trailing /)')
      .optional(),
  })
  .strict()
  .superRefine((listener, ctx) => {
    if (listener.pathPrefix !== undefined && listener.convention !== 'envoy') {
      ctx.addIssue({
        code: 'custom',
        path: ['pathPrefix'],
        message: 'pathPrefix applies to the envoy convention only',
      });
    }
  });

export const forwardAuthSchema = z
  .object({
    listeners: z
      .array(forwardAuthListenerSchema)
      .min(1)
      .default([
        {
          host: FORWARD_AUTH_DEFAULTS.host,
          port: FORWARD_AUTH_DEFAULTS.port,
          convention: 'x-forwarded',
        },
      ]),
    /** Peer addresses (CIDR or single) whose original-request headers are believed. */
    trustedProxies: z
      .array(z.string().refine(isCidr, 'an IP address or CIDR block'))
      .default([...FORWARD_AUTH_DEFAULTS.trustedProxies]),
    /** A secret the proxy sends in a header; compared in constant time. */
    sharedSecret: z
      .object({
        header: z
          .string()
          .regex(HEADER_NAME, 'a lower-case header name')
          .default(FORWARD_AUTH_DEFAULTS.secretHeader),
        value: z.string().min(16).max(1024),
      })
      .strict()
      .optional(),
    /**
     * Let the proxy cache an Allow for up to this many seconds (never longer than the token
     * lives; never for an STS proof), when the service's policies read only the principal, the
     * method, the host and the path. 0: every answer is `Cache-Control: no-store`.
     */
    decisionCacheSeconds: z
      .number()
      .int()
      .min(0)
      .max(3_600)
      .default(FORWARD_AUTH_DEFAULTS.decisionCacheSeconds),
  })
  .strict();

export type ForwardAuthConfig = z.output<typeof forwardAuthSchema>;
export type ForwardAuthListenerConfig = ForwardAuthConfig['listeners'][number];
