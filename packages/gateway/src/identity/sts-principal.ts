// The caller STS confirmed, in the shape the rest of rolegate reads (@rolegate/verify's Principal),
// so one authorizer serves token and proof callers alike. Every field comes from STS's answer or
// from the validated proof; nothing from the request. There is no token, so `claims` holds what a
// broker would have put in one, and `issuer` names the STS endpoint that answered.

import type { AwsPrincipal, StsLoginResult } from '@rolegate/broker';
import type { Principal, VerifiedClaims } from '@rolegate/verify';

/** STS accepts a presigned request for 15 minutes after it was signed. */
const PROOF_LIFETIME_SECONDS = 900;

export function principalFromSts(result: StsLoginResult, loginAudience: string): Principal {
  const p: AwsPrincipal = result.principal;
  const issuer = `sts:${result.proof.endpoint.host}`;
  const expiresAt = result.proof.signedAt + PROOF_LIFETIME_SECONDS;
  const claims: VerifiedClaims = Object.freeze({
    iss: issuer,
    sub: p.arn,
    aud: loginAudience,
    exp: expiresAt,
    iat: result.proof.signedAt,
    rolegate: Object.freeze({
      v: 1 as const,
      method: 'aws-sts' as const,
      principal_type: p.type,
      account: p.account,
      partition: p.partition,
      session_arn: p.sessionArn,
      ...(p.sessionName === undefined ? {} : { session_name: p.sessionName }),
      user_id: p.userId,
      tags: Object.freeze({}),
    }),
  });
  return Object.freeze({
    arn: p.arn,
    account: p.account,
    partition: p.partition,
    type: p.type,
    sessionArn: p.sessionArn,
    sessionName: p.sessionName,
    userId: p.userId,
    tags: claims.rolegate.tags,
    method: 'aws-sts' as const,
    sourceIdentity: undefined,
    issuer,
    audience: loginAudience,
    expiresAt,
    tokenId: undefined,
    claims,
  });
}
