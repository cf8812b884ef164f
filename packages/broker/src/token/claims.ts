// The claims of a rolegate token (DESIGN.md, "Token claims"). Built only from what STS answered
// and the validated endpoint, or from the validated certificate and its profile — never from
// fields the client chose, except the audience, which the login policy has approved.
import type { AwsPrincipal } from '../identity/principal.ts';

/** How the caller proved who it is: a presigned STS request, a certificate, or a JWT-SVID. */
export type LoginMethod = 'aws-sts' | 'x509' | 'jwt-svid';

export interface RolegateClaim {
  readonly v: 1;
  readonly method: LoginMethod;
  readonly principal_type: AwsPrincipal['type'];
  readonly account: string;
  readonly partition: string;
  readonly session_arn: string;
  readonly session_name?: string;
  readonly user_id: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `sts:SourceIdentity` as IAM Roles Anywhere sets it from the certificate (x509 only). */
  readonly source_identity?: string;
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
  /** Default `aws-sts`. */
  method?: LoginMethod;
  /** Principal tags; default none. */
  tags?: Readonly<Record<string, string>>;
  sourceIdentity?: string;
  /** The credential's own end (seconds): the token never outlives the certificate. */
  notAfterSeconds?: number;
}): TokenClaims {
  const { principal } = input;
  const rolegate: RolegateClaim = {
    v: 1,
    method: input.method ?? 'aws-sts',
    principal_type: principal.type,
    account: principal.account,
    partition: principal.partition,
    session_arn: principal.sessionArn,
    ...(principal.sessionName === undefined ? {} : { session_name: principal.sessionName }),
    user_id: principal.userId,
    tags: { ...input.tags },
    ...(input.sourceIdentity === undefined ? {} : { source_identity: input.sourceIdentity }),
  };
  const exp = Math.min(
    input.nowSeconds + input.ttlSeconds,
    input.notAfterSeconds ?? Number.POSITIVE_INFINITY,
  );
  return {
    iss: input.issuer,
    sub: principal.arn,
    aud: input.audience,
    iat: input.nowSeconds,
    nbf: input.nowSeconds,
    exp,
    jti: input.jti,
    rolegate,
  };
}
