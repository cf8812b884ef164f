export {
  type CredentialSource,
  defaultCredentialProvider,
  resolveCredentials,
} from './credentials.ts';
export { type ClientErrorCode, RolegateClientError } from './errors.ts';
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
  type ExchangeInput,
  exchangeToken,
  type IssuedToken,
  TOKEN_EXCHANGE_GRANT,
} from './token-exchange.ts';
export {
  type AuthorizedFetchOptions,
  createAuthorizedFetch,
} from './token-source/authorized-fetch.ts';
export { createDefaultTokenSource } from './token-source/default-token-source.ts';
export {
  type BrokerProviderOptions,
  discoverLoginAudience,
  fromBrokerWithAwsCredentials,
  fromToken,
  fromTokenFile,
} from './token-source/providers.ts';
export {
  chainTokenProviders,
  type TokenProvider,
  TokenProviderSkipped,
} from './token-source/token-provider.ts';
export { TokenSource, type TokenSourceOptions } from './token-source/token-source.ts';
