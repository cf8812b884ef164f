// The credential kinds a configuration enables, keyed by their Authorization scheme. A kind whose
// settings did not change across a reload is kept, so the JWKS, the verified-token cache and the
// STS connections stay warm; the replay cache is the gateway's own and outlives every kind.
// TLS client certificates are not an Authorization scheme: the certificate kind is read from the
// connection when a request carries no Authorization header. It is built anew by every runtime, as
// a reload must re-read the trust files even when the config names the same ones.

import type { ReplayCache } from '@rolegate/identity';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/schema.ts';
import type { CredentialKind } from '../identity/credential.ts';
import { createJwtKind } from '../identity/jwt-kind.ts';
import { createStsKind, type StsKind } from '../identity/sts-kind.ts';
import { type CertificateKind, createCertificateKind } from '../identity/x509-kind.ts';

export interface CredentialKinds {
  /** Lower-case Authorization scheme → kind. */
  readonly byScheme: ReadonlyMap<string, CredentialKind>;
  readonly jwt: { readonly key: string; readonly kind: CredentialKind } | undefined;
  readonly sts: { readonly key: string; readonly kind: StsKind } | undefined;
  /** TLS client certificates on HTTPS listeners (`x509`), read when there is no Authorization. */
  readonly x509: CertificateKind | undefined;
}

export function buildCredentialKinds(
  config: GatewayConfig,
  previous: CredentialKinds | undefined,
  replay: ReplayCache,
  logger: Logger,
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
  let x509: CertificateKind | undefined;
  try {
    x509 = config.x509 === undefined ? undefined : createCertificateKind(config.x509, logger);
  } catch (error) {
    // Nothing built here may outlive a refused configuration.
    if (sts !== undefined && sts !== previous?.sts) void sts.kind.close();
    throw error;
  }
  return { byScheme, jwt, sts, x509 };
}
