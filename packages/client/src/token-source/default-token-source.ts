// The chain most programs want: ROLEGATE_TOKEN, then ROLEGATE_TOKEN_FILE, then the broker
// (ROLEGATE_BROKER_URL) with the workload certificate when one is configured (ROLEGATE_CERT_FILE),
// else with the AWS SDK's default credentials. A configured certificate that fails is an error,
// never a silent fall-back to AWS credentials.
import {
  type BrokerProviderOptions,
  type CertificateProviderOptions,
  fromBrokerWithAwsCredentials,
  fromBrokerWithCertificate,
  fromToken,
  fromTokenFile,
} from './providers.ts';
import { chainTokenProviders } from './token-provider.ts';
import { TokenSource, type TokenSourceOptions } from './token-source.ts';

export function createDefaultTokenSource(
  options: {
    broker?: BrokerProviderOptions;
    certificate?: CertificateProviderOptions;
    token?: string;
    tokenFile?: string;
  } & Omit<TokenSourceOptions, 'provider'> = {},
): TokenSource {
  return new TokenSource({
    ...options,
    provider: chainTokenProviders(
      fromToken(options.token ?? process.env.ROLEGATE_TOKEN),
      fromTokenFile(options.tokenFile ?? process.env.ROLEGATE_TOKEN_FILE),
      fromBrokerWithCertificate({ brokerUrl: options.broker?.brokerUrl, ...options.certificate }),
      fromBrokerWithAwsCredentials(options.broker),
    ),
  });
}
