// The claims of a rolegate token (@rolegate/core's TokenClaims). Built only from what STS answered
// and the validated endpoint, or from the validated certificate and its profile — never from
// fields the client chose, except the audience, which the login policy has approved.
import { type AuthMethod, buildRolegateClaim, type TokenClaims } from '@rolegate/core';
import type { AwsPrincipal } from '@rolegate/identity';

export function buildClaims(input: {
  issuer: string;
  audience: string;
  principal: AwsPrincipal;
  nowSeconds: number;
  ttlSeconds: number;
  jti: string;
  /** Default `aws-sts`. */
  method?: AuthMethod;
  /** Principal tags; default none. */
  tags?: Readonly<Record<string, string>>;
  sourceIdentity?: string;
  /** The credential's own end (seconds): the token never outlives the certificate. */
  notAfterSeconds?: number;
}): TokenClaims {
  const exp = Math.min(
    input.nowSeconds + input.ttlSeconds,
    input.notAfterSeconds ?? Number.POSITIVE_INFINITY,
  );
  return {
    iss: input.issuer,
    sub: input.principal.arn,
    aud: input.audience,
    iat: input.nowSeconds,
    nbf: input.nowSeconds,
    exp,
    jti: input.jti,
    rolegate: buildRolegateClaim(
      input.principal,
      input.method ?? 'aws-sts',
      input.tags,
      input.sourceIdentity,
    ),
  };
}
