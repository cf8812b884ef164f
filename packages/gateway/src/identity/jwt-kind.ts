// Bearer tokens from a rolegate broker. One verifier serves every service, so the JWKS is fetched
// and cached once and the verified-token cache is shared; it accepts the union of the services'
// audiences, and each request is then held to its own service's audiences — a token minted for
// one service never opens another.

import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createVerifier,
  isVerifyError,
  type Principal,
  type Verifier,
  type VerifierOptions,
} from '@rolegate/verify';
import type { GatewayConfig } from '../config/schema.ts';
import { fromVerifyError, GatewayError } from '../errors/gateway-error.ts';
import type { CredentialAudience, CredentialKind } from './credential.ts';

type JwtConfig = NonNullable<GatewayConfig['jwt']>;

function verifierOptions(jwt: JwtConfig, audiences: readonly string[]): VerifierOptions {
  const common = {
    issuer: jwt.issuer,
    audience: audiences,
    algorithms: jwt.algorithms,
    clockTolerance: jwt.clockToleranceSeconds,
    tokenCacheSize: jwt.tokenCacheSize,
    allowInsecureHttp: jwt.allowInsecureHttp,
  };
  if (jwt.jwksFile !== undefined) {
    const jwks = JSON.parse(readFileSync(jwt.jwksFile, 'utf8')) as { keys: readonly JsonWebKey[] };
    return { ...common, keys: jwks };
  }
  return jwt.jwksUri === undefined ? common : { ...common, jwksUri: jwt.jwksUri };
}

function hasAudience(principal: Principal, service: CredentialAudience): boolean {
  const aud = principal.audience;
  if (typeof aud === 'string') return service.audiences.has(aud);
  for (const a of aud) if (service.audiences.has(a)) return true;
  return false;
}

function translate(error: unknown): unknown {
  return isVerifyError(error) ? fromVerifyError(error) : error;
}

function forService(principal: Principal, service: CredentialAudience): Principal {
  if (!hasAudience(principal, service)) {
    throw new GatewayError('token.audience_mismatch', 'the token is for another service');
  }
  return principal;
}

/** The bearer-token kind over a verifier for `audiences` (all services' audiences together). */
export function createJwtKind(jwt: JwtConfig, audiences: readonly string[]): CredentialKind {
  const verifier: Verifier = createVerifier(verifierOptions(jwt, audiences));
  return Object.freeze({
    name: 'jwt' as const,
    scheme: 'bearer',
    authenticate(token: string, service: CredentialAudience): Principal | Promise<Principal> {
      let verified: Principal | Promise<Principal>;
      try {
        // Synchronous whenever the signing key is held: the common case costs no microtask.
        verified = verifier.verifyNow(token);
      } catch (error) {
        throw translate(error);
      }
      if (verified instanceof Promise) {
        return verified.then(
          (principal) => forService(principal, service),
          (error: unknown) => {
            throw translate(error);
          },
        );
      }
      return forService(verified, service);
    },
    async warmUp(): Promise<boolean> {
      try {
        await verifier.warmUp();
        return true;
      } catch {
        return false;
      }
    },
  });
}
