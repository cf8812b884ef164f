// TLS client certificates on the gateway's HTTPS listeners: the broker's own certificate login
// (strict DER, path validation, SPIFFE rules, profiles, Roles Anywhere tags), so a certificate
// caller is the principal a broker token from that certificate would name. The handshake proved
// the caller holds the key; the chain is read from the connection. A connection's certificate
// cannot change (renegotiation drops the connection), so its validation is kept for the
// connection — until the certificate expires, a trust source is reloaded, or a minute has passed
// (what depends on the clock besides the certificate, such as a CRL's nextUpdate, is re-checked).

import type { TLSSocket } from 'node:tls';
import type { Principal } from '@rolegate/core';
import {
  CertificateAuthenticator,
  type CertificatePrincipal,
  type CertificateTrustConfig,
  isIdentityError,
  peerCertificateChain,
} from '@rolegate/identity';
import type { Logger } from 'pino';
import { fromCertificateError } from '../errors/gateway-error.ts';
import type { CredentialAudience } from './credential.ts';
import { principalFromCertificate } from './x509-principal.ts';

export interface CertificateKind {
  readonly name: 'x509';
  /**
   * The caller of a TLS connection that presented a certificate; null when it presented none.
   * Throws a GatewayError when the certificate is not acceptable.
   */
  identify(socket: TLSSocket, service: CredentialAudience): Principal | null;
  close(): void;
}

/** How long one validation serves a long-lived connection before it is redone. */
const REVALIDATE_AFTER_MS = 60_000;

interface Validated {
  readonly generation: number;
  readonly validatedAtMs: number;
  readonly principal: CertificatePrincipal;
  /** Principal per service audience: `aud` is part of what a policy may read. */
  readonly byAudience: Map<string, Principal>;
}

export function createCertificateKind(
  trust: CertificateTrustConfig,
  logger: Logger,
  now: () => number = Date.now,
): CertificateKind {
  const authenticator = CertificateAuthenticator.open(trust, logger, now);
  authenticator.store.watch();
  const validated = new WeakMap<TLSSocket, Validated>();

  const validate = (socket: TLSSocket): Validated | null => {
    const chain = peerCertificateChain(socket);
    if (chain.length === 0) return null;
    const generation = authenticator.store.generation;
    try {
      const { principal } = authenticator.authenticate(chain);
      return { generation, validatedAtMs: now(), principal, byAudience: new Map() };
    } catch (error) {
      if (isIdentityError(error)) throw fromCertificateError(error);
      throw error;
    }
  };

  return Object.freeze({
    name: 'x509' as const,
    identify(socket: TLSSocket, service: CredentialAudience): Principal | null {
      let entry = validated.get(socket);
      const nowMs = now();
      if (
        entry === undefined ||
        entry.generation !== authenticator.store.generation ||
        nowMs >= entry.principal.notAfterMs ||
        nowMs - entry.validatedAtMs >= REVALIDATE_AFTER_MS
      ) {
        const fresh = validate(socket);
        if (fresh === null) return null;
        entry = fresh;
        validated.set(socket, entry);
      }
      let principal = entry.byAudience.get(service.loginAudience);
      if (principal === undefined) {
        principal = principalFromCertificate(entry.principal, service.loginAudience);
        entry.byAudience.set(service.loginAudience, principal);
      }
      return principal;
    },
    close(): void {
      authenticator.store.close();
    },
  });
}
