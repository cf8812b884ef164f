// Certificate login without an assertion: for a client certificate the TLS handshake already proved
// that the caller holds the key (CertificateVerify), so what remains is the rest of docs/specs/x509.md
// §1 — strict DER, a supported leaf key, path validation, SPIFFE rules, the profile. Used by the
// broker's TLS listener and by the gateway's HTTPS listeners, so both map a certificate to exactly
// the principal an X.509 assertion with the same certificate would get.

import { ConfigError } from '@rolegate/core';
import type { Logger } from 'pino';
import type { CertificateTrustConfig } from '../config/schema.ts';
import { IdentityError } from '../errors.ts';
import { keyKind } from './algorithms.ts';
import { parseCertificate } from './certificate.ts';
import { type CertificateIdentity, identifyCertificate } from './certificate-identity.ts';
import { Profiles } from './profiles.ts';
import { type TrustSourceConfig, TrustSourceError } from './trust-source.ts';
import { TrustStore } from './trust-store.ts';

export type { CertificateTrustConfig };

export class CertificateAuthenticator {
  readonly store: TrustStore;
  readonly #profiles: Profiles;
  readonly #skewMs: number;
  readonly #now: () => number;

  constructor(store: TrustStore, x509: CertificateTrustConfig, now: () => number = Date.now) {
    this.store = store;
    this.#profiles = new Profiles(x509.profiles);
    this.#skewMs = x509.clockSkewSeconds * 1000;
    this.#now = now;
  }

  /** Loads every trust source of `x509`; a source that does not load is a ConfigError. */
  static open(
    x509: CertificateTrustConfig,
    logger: Logger,
    now?: () => number,
  ): CertificateAuthenticator {
    return new CertificateAuthenticator(openStore(x509, logger), x509, now);
  }

  /**
   * The identity of a certificate whose key the caller has proved to hold, leaf first, then
   * whatever else it presented. Throws a IdentityError (`cert.*`, `spiffe.*`, `profile.not_found`).
   */
  authenticate(presentedDer: readonly Uint8Array[]): CertificateIdentity {
    if (presentedDer.length === 0) throw new IdentityError('cert.not_presented');
    const [leaf, ...presented] = presentedDer.map(parseCertificate);
    // The same key rule as for assertions: a handshake may have been made with a key (RSA-1024,
    // an odd curve) that rolegate never accepts as proof.
    if (leaf!.publicKey === undefined || keyKind(leaf!.publicKey) === undefined)
      throw new IdentityError('cert.unsupported_key', 'leaf key');
    return identifyCertificate({
      leaf: leaf!,
      presented,
      store: this.store,
      profiles: this.#profiles,
      clock: { nowMs: this.#now(), skewMs: this.#skewMs },
    });
  }
}

/** The trust store of an `x509` section; a source that does not load is a ConfigError. */
export function openStore(x509: CertificateTrustConfig, logger: Logger): TrustStore {
  const sources: TrustSourceConfig[] = [
    ...x509.trustDomains.map((d) => ({ kind: 'trustDomain' as const, ...d })),
    ...x509.trustAnchors.map((a) => ({ kind: 'trustAnchor' as const, ...a })),
  ];
  try {
    return new TrustStore(sources, logger);
  } catch (error) {
    if (error instanceof TrustSourceError)
      throw new ConfigError('config', [`x509: ${error.message}`]);
    throw error;
  }
}
