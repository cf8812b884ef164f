// The caller a TLS client certificate names, as the same Principal a broker token from that
// certificate would give (@rolegate/core's claims): role, session named after the serial, Roles
// Anywhere tags, source identity — so a policy decides alike on a certificate caller and on a
// token caller. There is no token: the claims are what a broker would have signed, `iss` names the
// trust source, `exp` the certificate's end.

import { buildRolegateClaim, type Principal, principalFromClaims } from '@rolegate/core';
import type { CertificatePrincipal } from '@rolegate/identity';

export function principalFromCertificate(p: CertificatePrincipal, audience: string): Principal {
  return principalFromClaims({
    iss: `x509:${p.trustSource}`,
    sub: p.arn,
    aud: audience,
    exp: Math.floor(p.notAfterMs / 1000),
    rolegate: buildRolegateClaim(p, 'x509', p.tags, p.sourceIdentity),
  });
}
