// The chain most programs want: ROLEGATE_TOKEN, then ROLEGATE_TOKEN_FILE, then the broker
// (ROLEGATE_BROKER_URL) with the workload certificate when one is configured (ROLEGATE_CERT_FILE),
// else with the SVID of the SPIFFE Workload API when there is one (SPIFFE_ENDPOINT_SOCKET), else
// with the AWS SDK's default credentials. A configured certificate or Workload API that fails is
// an error, never a silent fall-back to AWS credentials.

import type { BrokerChoiceOptions } from './broker-choice.ts';
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
import { fromWorkloadApi, type WorkloadApiProviderOptions } from './workload-api-provider.ts';

export function createDefaultTokenSource(
  options: {
    broker?: BrokerProviderOptions;
    certificate?: CertificateProviderOptions;
    workloadApi?: WorkloadApiProviderOptions;
    token?: string;
    tokenFile?: string;
  } & Omit<TokenSourceOptions, 'provider'> = {},
): TokenSource {
  return new TokenSource({
    ...options,
    provider: chainTokenProviders(
      fromToken(options.token ?? process.env.ROLEGATE_TOKEN),
      fromTokenFile(options.tokenFile ?? process.env.ROLEGATE_TOKEN_FILE),
      fromBrokerWithCertificate({ ...sharedBrokerOptions(options.broker), ...options.certificate }),
      fromWorkloadApi({ ...sharedBrokerOptions(options.broker), ...options.workloadApi }),
      fromBrokerWithAwsCredentials(options.broker),
    ),
  });
}

/** What every login of the chain takes from `broker`: the brokers and how to fail over. */
function sharedBrokerOptions(broker: BrokerProviderOptions | undefined): BrokerChoiceOptions {
  if (broker === undefined) return {};
  const { brokerUrl, expectedIssuer, failover, fetch } = broker;
  return { brokerUrl, expectedIssuer, failover, fetch };
}
