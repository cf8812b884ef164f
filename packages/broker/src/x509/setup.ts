// Builds the X.509 and SPIFFE logins from the broker's `x509` configuration: the trust store
// (every source loaded and validated, or the broker does not start) and the two logins over it.
import type { Logger } from 'pino';
import { ConfigError } from '../config/load-config.ts';
import type { BrokerConfig } from '../config/schema.ts';
import type { ReplayCache } from '../replay/replay-cache.ts';
import { JwtSvidLogin } from './jwt-svid-login.ts';
import { Profiles } from './profiles.ts';
import { type TrustSourceConfig, TrustSourceError } from './trust-source.ts';
import { TrustStore } from './trust-store.ts';
import { X509Login } from './x509-login.ts';

/** Undefined without an `x509` section; a source that does not load is a `config.invalid`. */
export function openTrustStore(config: BrokerConfig, logger: Logger): TrustStore | undefined {
  if (config.x509 === undefined) return undefined;
  const sources: TrustSourceConfig[] = [
    ...config.x509.trustDomains.map((d) => ({ kind: 'trustDomain' as const, ...d })),
    ...config.x509.trustAnchors.map((a) => ({ kind: 'trustAnchor' as const, ...a })),
  ];
  try {
    return new TrustStore(sources, logger);
  } catch (error) {
    if (error instanceof TrustSourceError)
      throw new ConfigError('config', [`x509: ${error.message}`]);
    throw error;
  }
}

/** The logins the token route dispatches X.509 assertions and JWT-SVIDs to. */
export function x509Logins(
  config: BrokerConfig,
  store: TrustStore | undefined,
  replay: ReplayCache,
  loginAudience: string,
  now: () => number,
): { x509Login?: X509Login; jwtSvidLogin?: JwtSvidLogin } {
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
  };
}
