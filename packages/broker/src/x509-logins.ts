// Builds the certificate logins from the broker's `x509` configuration: the trust store (every
// source loaded and validated, or the broker does not start) and the logins over it — X.509
// assertions, JWT-SVIDs and, on a TLS listener, client certificates.

import {
  CertificateAuthenticator,
  JwtSvidLogin,
  openStore,
  Profiles,
  type ReplayCache,
  type TrustStore,
  X509Login,
} from '@rolegate/identity';
import type { Logger } from 'pino';
import type { BrokerConfig } from './config/schema.ts';

/** Undefined without an `x509` section; a source that does not load is a `config.invalid`. */
export function openTrustStore(config: BrokerConfig, logger: Logger): TrustStore | undefined {
  return config.x509 === undefined ? undefined : openStore(config.x509, logger);
}

/**
 * The logins the token route dispatches X.509 assertions, JWT-SVIDs and TLS client certificates
 * (when the broker terminates TLS itself) to.
 */
export function x509Logins(
  config: BrokerConfig,
  store: TrustStore | undefined,
  replay: ReplayCache,
  loginAudience: string,
  now: () => number,
): { x509Login?: X509Login; jwtSvidLogin?: JwtSvidLogin; tlsLogin?: CertificateAuthenticator } {
  if (config.x509 === undefined || store === undefined) return {};
  const profiles = new Profiles(config.x509.profiles);
  const skewSeconds = config.x509.clockSkewSeconds;
  return {
    x509Login: new X509Login({ store, profiles, replay, loginAudience, skewSeconds, now }),
    jwtSvidLogin: new JwtSvidLogin({
      store,
      profiles,
      loginAudience,
      skewSeconds,
      algorithms: config.x509.jwtSvid.algorithms,
      now,
    }),
    tlsLogin:
      config.listen.tls === undefined
        ? undefined
        : new CertificateAuthenticator(store, config.x509, now),
  };
}
