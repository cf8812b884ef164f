// The caller STS confirmed, as the same Principal a broker token for it would give
// (@rolegate/core's claims), so one authorizer serves token and proof callers alike. Every field
// comes from STS's answer or from the validated proof; nothing from the request. There is no
// token: the claims are what a broker would have signed, `iss` names the STS endpoint that
// answered, and `exp` is the end of the proof's life.

import { buildRolegateClaim, type Principal, principalFromClaims } from '@rolegate/core';
import type { StsLoginResult } from '@rolegate/identity';

/** STS accepts a presigned request for 15 minutes after it was signed. */
const PROOF_LIFETIME_SECONDS = 900;

export function principalFromSts(result: StsLoginResult, loginAudience: string): Principal {
  return principalFromClaims({
    iss: `sts:${result.proof.endpoint.host}`,
    sub: result.principal.arn,
    aud: loginAudience,
    exp: result.proof.signedAt + PROOF_LIFETIME_SECONDS,
    iat: result.proof.signedAt,
    rolegate: buildRolegateClaim(result.principal, 'aws-sts'),
  });
}
