// The caller a TLS client certificate names, in the shape the rest of rolegate reads
// (@rolegate/verify's Principal): exactly what a broker token from the same certificate would
// carry — role, session named after the serial, Roles Anywhere tags, source identity — so a policy
// decides alike on a certificate caller and on a token caller. There is no token: `claims` holds
// what a broker would have put in one, `issuer` names the trust source, `exp` the certificate's end.

import type { CertificatePrincipal } from '@rolegate/broker';
import type { Principal, VerifiedClaims } from '@rolegate/verify';

export function principalFromCertificate(p: CertificatePrincipal, audience: string): Principal {
  const issuer = `x509:${p.trustSource}`;
  const expiresAt = Math.floor(p.notAfterMs / 1000);
  const claims: VerifiedClaims = Object.freeze({
    iss: issuer,
    sub: p.arn,
    aud: audience,
    exp: expiresAt,
    rolegate: Object.freeze({
      v: 1 as const,
      method: 'x509' as const,
      principal_type: p.type,
      account: p.account,
      partition: p.partition,
      session_arn: p.sessionArn,
      ...(p.sessionName === undefined ? {} : { session_name: p.sessionName }),
      user_id: p.userId,
      tags: p.tags,
      ...(p.sourceIdentity === undefined ? {} : { source_identity: p.sourceIdentity }),
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
    tags: p.tags,
    method: 'x509' as const,
    sourceIdentity: p.sourceIdentity,
    issuer,
    audience,
    expiresAt,
    tokenId: undefined,
    claims,
  });
}
