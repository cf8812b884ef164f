// The path from the leaf to the trust anchor the request names, validated by @rolegate/identity
// with the strictness of rolegate's own certificate logins (docs/specs/x509.md §2): strict DER,
// RSA ≥ 2048 or EC P-256/384/521 keys, signatures SHA-256 or stronger (no SHA-1, no MD5), every
// certificate within its validity, issuing CAs with basicConstraints CA:true and keyCertSign,
// pathLen and name constraints, a v3 leaf with digitalSignature and, if it has an extended key
// usage, clientAuth. Those cover AWS's trust-model requirements for end-entity and CA
// certificates; the one AWS rule identity leaves to its callers is that the leaf's basic
// constraints be present (AWS: "MUST include CA: false"), checked here.
//
// Only the trust anchor's own certificates are anchors: the path must end at one of them, which
// is what makes that trust anchor the session's aws:SourceArn. No clock skew is allowed, and no
// CRL is consulted (Roles Anywhere's imported CRLs are not emulated).
import {
  CrlSet,
  IdentityError,
  MAX_PATH_LENGTH,
  type ParsedCertificate,
  verifyChain,
} from '@rolegate/identity';
import type { AuthenticatedCaller } from './authenticate.ts';
import { denied, UNTRUSTED_CERTIFICATE } from './refusal.ts';
import type { TrustAnchorConfig } from './resource-options.ts';

const NO_CRLS = new CrlSet([]);

/** The validated path, leaf first and the trust anchor's certificate last. */
export function validatePath(
  caller: AuthenticatedCaller,
  anchor: TrustAnchorConfig,
  now: Date,
): readonly ParsedCertificate[] {
  let path: readonly ParsedCertificate[];
  try {
    ({ path } = verifyChain({
      leaf: caller.leaf,
      presented: caller.intermediates,
      anchors: anchor.certificates,
      crlsFor: () => NO_CRLS,
      clock: { nowMs: now.getTime(), skewMs: 0 },
      maxLength: MAX_PATH_LENGTH,
    }));
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    const code: string = error.code;
    throw denied(
      code.startsWith('cert.') ? (code as `cert.${string}`) : `cert.${code}`,
      UNTRUSTED_CERTIFICATE,
    );
  }
  if (caller.leaf.extensions.basicConstraints === undefined)
    throw denied('cert.no_basic_constraints', UNTRUSTED_CERTIFICATE);
  return path;
}
