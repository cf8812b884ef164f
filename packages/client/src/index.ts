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
