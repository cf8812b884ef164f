export {
  type CredentialSource,
  defaultCredentialProvider,
  resolveCredentials,
} from './credentials.ts';
export { type ClientErrorCode, RolegateClientError } from './errors.ts';
export {
  type BrokerAttempt,
  BrokerFailover,
  type BrokerFailoverOptions,
  type FailoverExchangeInput,
} from './failover/broker-failover.ts';
export { BROKER_URL_ENV, type BrokerUrls, brokerUrlList } from './failover/broker-list.ts';
export type { FailoverEvent, FailoverOptions } from './failover/failover-policy.ts';
export * from './roles-anywhere.ts';
export {
  defaultStsEndpoint,
  resolveStsEndpoint,
  type StsEndpoint,
  type StsEndpointChoice,
} from './sts-endpoint.ts';
export {
  AUDIENCE_HEADER,
  createStsProof,
  describeStsProof,
  STS_PROOF_PREFIX,
  STS_PROOF_TOKEN_TYPE,
  type StsProofOptions,
} from './sts-proof.ts';
export {
  requestTokenWithTlsCertificate,
  TLS_CLIENT_CERTIFICATE_TOKEN_TYPE,
  type TlsLoginOptions,
} from './tls-login.ts';
export {
  type ExchangeInput,
  exchangeToken,
  type IssuedToken,
  TOKEN_EXCHANGE_GRANT,
} from './token-exchange.ts';
export {
  type AuthorizedFetchOptions,
  createAuthorizedFetch,
} from './token-source/authorized-fetch.ts';
export type { BrokerChoiceOptions } from './token-source/broker-choice.ts';
export { createDefaultTokenSource } from './token-source/default-token-source.ts';
export {
  type BrokerProviderOptions,
  type CertificateProviderOptions,
  discoverLoginAudience,
  fromBrokerWithAwsCredentials,
  fromBrokerWithCertificate,
  fromToken,
  fromTokenFile,
} from './token-source/providers.ts';
export {
  chainTokenProviders,
  type TokenProvider,
  TokenProviderSkipped,
} from './token-source/token-provider.ts';
export { TokenSource, type TokenSourceOptions } from './token-source/token-source.ts';
export {
  fromWorkloadApi,
  type WorkloadApiProviderOptions,
} from './token-source/workload-api-provider.ts';
export {
  type JwtSvidMessage,
  WORKLOAD_API_HEADER,
  workloadApiService,
  type X509SvidMessage,
  type X509SvidResponseMessage,
} from './workload-api/definition.ts';
export { SPIFFE_ENDPOINT_SOCKET, workloadApiTarget } from './workload-api/endpoint.ts';
export {
  type JwtSvid,
  WorkloadApiClient,
  type WorkloadApiClientOptions,
  type X509Svid,
} from './workload-api/workload-api-client.ts';
export {
  createX509Assertion,
  MAX_ASSERTION_LIFETIME_SECONDS,
  readCertificates,
  X509_ASSERTION_TOKEN_TYPE,
  type X509AssertionOptions,
  type X509Credentials,
} from './x509-assertion.ts';
export {
  type AssertionAlgorithm,
  type CertificateKeyInput,
  jwsAlgorithmFor,
  readPrivateKey,
} from './x509-keys.ts';
