// The claims of a rolegate token (DESIGN.md, "Token claims"). Built only from what STS answered
// and the validated endpoint — never from fields the client chose, except the audience, which the
// login policy has approved.
import type { AwsPrincipal } from '../identity/principal.ts';

export interface RolegateClaim {
  readonly v: 1;
  readonly method: 'aws-sts';
  readonly principal_type: AwsPrincipal['type'];
  readonly account: string;
  readonly partition: string;
  readonly session_arn: string;
  readonly session_name?: string;
  readonly user_id: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  readonly rolegate: RolegateClaim;
}

export function buildClaims(input: {
  issuer: string;
  audience: string;
  principal: AwsPrincipal;
  nowSeconds: number;
  ttlSeconds: number;
  jti: string;
}): TokenClaims {
  const { principal } = input;
  const rolegate: RolegateClaim = {
    v: 1,
    method: 'aws-sts',
    principal_type: principal.type,
    account: principal.account,
    partition: principal.partition,
    session_arn: principal.sessionArn,
    ...(principal.sessionName === undefined ? {} : { session_name: principal.sessionName }),
    user_id: principal.userId,
    tags: {},
  };
  return {
    iss: input.issuer,
    sub: principal.arn,
    aud: input.audience,
    iat: input.nowSeconds,
    nbf: input.nowSeconds,
    exp: input.nowSeconds + input.ttlSeconds,
    jti: input.jti,
    rolegate,
  };
}
