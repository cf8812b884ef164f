// A gateway with forward-auth listeners in front of the recording backend, and requests shaped as
// each proxy sends them (Traefik/Caddy X-Forwarded-*, nginx X-Original-*, Envoy ext_authz).
import type { GatewayConfigInput } from '../../src/index.ts';
import { type Backend, startBackend } from '../support/backend.ts';
import { BILLING_AUDIENCE, servicesFor } from '../support/fixture.ts';
import { type RunningGateway, startGateway } from '../support/gateway.ts';
import { type Reply, send } from '../support/raw-http.ts';
import { claims, createTokenKit, type TokenKit } from '../support/tokens.ts';

export interface ForwardAuthRig {
  readonly gw: RunningGateway;
  readonly backend: Backend;
  readonly tokens: TokenKit;
  /** The forward-auth listeners' URLs, in config order. */
  readonly fa: readonly string[];
  token(overrides?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function startRig(
  forwardAuth: NonNullable<GatewayConfigInput['forwardAuth']>,
  extra: Partial<GatewayConfigInput> = {},
): Promise<ForwardAuthRig> {
  const tokens = await createTokenKit();
  const backend = await startBackend();
  const gw = await startGateway({
    jwt: { issuer: 'https://broker.test', jwksFile: tokens.jwksFile },
    services: servicesFor(backend.url),
    forwardAuth,
    ...extra,
  });
  return {
    gw,
    backend,
    tokens,
    fa: gw.gateway.forwardAuthUrls,
    token: (overrides = {}) => tokens.sign(claims(BILLING_AUDIENCE, overrides)),
    async close() {
      await gw.close();
      await backend.close();
      tokens.close();
    },
  };
}

/** Traefik ForwardAuth's request: GET to the auth address, the original in X-Forwarded-*. */
export function traefik(
  url: string,
  original: { method?: string; uri: string; host?: string; proto?: string },
  headers: Record<string, string | string[]> = {},
): Promise<Reply> {
  return send(url, {
    path: '/',
    headers: {
      'x-forwarded-method': original.method ?? 'GET',
      'x-forwarded-proto': original.proto ?? 'https',
      'x-forwarded-host': original.host ?? 'billing.example',
      'x-forwarded-uri': original.uri,
      'x-forwarded-for': '192.0.2.10',
      ...headers,
    },
  });
}
