// The chain most programs want: ROLEGATE_TOKEN, then ROLEGATE_TOKEN_FILE, then the broker with the
// AWS SDK's default credentials (ROLEGATE_BROKER_URL). X.509 joins when certificate login exists.
import {
  type BrokerProviderOptions,
  fromBrokerWithAwsCredentials,
  fromToken,
  fromTokenFile,
} from './providers.ts';
import { chainTokenProviders } from './token-provider.ts';
import { TokenSource, type TokenSourceOptions } from './token-source.ts';

export function createDefaultTokenSource(
  options: { broker?: BrokerProviderOptions; token?: string; tokenFile?: string } & Omit<
    TokenSourceOptions,
    'provider'
  > = {},
): TokenSource {
  return new TokenSource({
    ...options,
    provider: chainTokenProviders(
      fromToken(options.token ?? process.env.ROLEGATE_TOKEN),
      fromTokenFile(options.tokenFile ?? process.env.ROLEGATE_TOKEN_FILE),
      fromBrokerWithAwsCredentials(options.broker),
    ),
  });
}
