// The credential kinds a configuration enables, keyed by their Authorization scheme. A kind whose
// settings did not change across a reload is kept, so the JWKS, the verified-token cache and the
// STS connections stay warm; the replay cache is the gateway's own and outlives every kind.
//
// GAP(x509): TLS client certificates on an HTTPS listener are not a credential kind yet. The
// broker's X.509 path validation and Roles Anywhere mapping (packages/broker/src/x509/) landed
// while this was written, but @rolegate/broker exports only their types. The kind plugs in here,
// as a module beside jwt-kind.ts that reads the peer certificate chain instead of the
// Authorization header (listener `tls.clientCaFile`, `requestCert`, node's own check off), and
// needs from the broker: parseCertificate, identifyCertificate, TrustStore, Profiles and the
// trust-source config schema.

import type { ReplayCache } from '@rolegate/broker';
import type { GatewayConfig } from '../config/schema.ts';
import type { CredentialKind } from '../identity/credential.ts';
import { createJwtKind } from '../identity/jwt-kind.ts';
import { createStsKind, type StsKind } from '../identity/sts-kind.ts';

export interface CredentialKinds {
  /** Lower-case Authorization scheme → kind. */
  readonly byScheme: ReadonlyMap<string, CredentialKind>;
  readonly jwt: { readonly key: string; readonly kind: CredentialKind } | undefined;
  readonly sts: { readonly key: string; readonly kind: StsKind } | undefined;
}

export function buildCredentialKinds(
  config: GatewayConfig,
  previous: CredentialKinds | undefined,
  replay: ReplayCache,
): CredentialKinds {
  let jwt: CredentialKinds['jwt'];
  if (config.jwt !== undefined) {
    const audiences = [...new Set(config.services.flatMap((s) => s.audiences))].sort();
    const key = JSON.stringify([config.jwt, audiences]);
    // A JWKS file may have changed on disk even when the config did not: reloads re-read it.
    const reuse = previous?.jwt?.key === key && config.jwt.jwksFile === undefined;
    jwt = reuse ? previous!.jwt : { key, kind: createJwtKind(config.jwt, audiences) };
  }
  let sts: CredentialKinds['sts'];
  if (config.sts !== undefined) {
    const key = JSON.stringify(config.sts);
    sts =
      previous?.sts?.key === key ? previous.sts : { key, kind: createStsKind(config.sts, replay) };
  }
  const byScheme = new Map<string, CredentialKind>();
  if (jwt !== undefined) byScheme.set(jwt.kind.scheme, jwt.kind);
  if (sts !== undefined) byScheme.set(sts.kind.scheme, sts.kind);
  return { byScheme, jwt, sts };
}
