// JWKS and OIDC discovery. Standby keys are published beside the active one, so verifiers already
// hold a key before the broker starts signing with it.
import {
  DISCOVERY_PATH,
  JWKS_PATH,
  JWT_TOKEN_TYPE,
  STS_PROOF_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from '@rolegate/core';
import type { FastifyInstance } from 'fastify';
import type { RingKey } from '../keys/key-ring.ts';

/** Verifiers re-read the key set at least this often; shorter than any rotation step. */
export const JWKS_MAX_AGE_SECONDS = 300;

export function registerDiscoveryRoutes(
  app: FastifyInstance,
  deps: { issuer: string; loginAudience: string; publishedKeys: () => readonly RingKey[] },
): void {
  const base = deps.issuer.replace(/\/+$/, '');
  app.get(JWKS_PATH, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    reply.type('application/jwk-set+json');
    return { keys: deps.publishedKeys().map((k) => k.publicJwk) };
  });
  app.get(DISCOVERY_PATH, async (_request, reply) => {
    const published = deps.publishedKeys();
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    return {
      issuer: deps.issuer,
      jwks_uri: `${base}${JWKS_PATH}`,
      token_endpoint: `${base}/v1/token`,
      grant_types_supported: [TOKEN_EXCHANGE_GRANT],
      token_endpoint_auth_methods_supported: ['none'],
      response_types_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set(published.map((k) => k.alg))],
      rolegate_login_audience: deps.loginAudience,
      rolegate_subject_token_types_supported: [STS_PROOF_TOKEN_TYPE],
      rolegate_issued_token_type: JWT_TOKEN_TYPE,
    };
  });
}
