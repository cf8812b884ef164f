export { type Broker, type BrokerOptions, createBroker } from './broker.ts';
export { ConfigError, loadBrokerConfigFile, parseBrokerConfig } from './config/load-config.ts';
export type { BrokerConfig, BrokerConfigInput } from './config/schema.ts';
export {
  certificateTrustFields,
  checkCertificateTrust,
  isLocalTarget,
  stsSchema,
} from './config/schema.ts';
export { BrokerError, isBrokerError } from './errors/broker-error.ts';
export {
  type BrokerErrorCode,
  ERROR_CODES,
  type ErrorSpec,
  type OAuthError,
} from './errors/codes.ts';
export { DISCOVERY_PATH, JWKS_PATH } from './http/discovery-routes.ts';
export { REDACTED_PATHS } from './http/logger.ts';
export {
  JWT_TOKEN_TYPE,
  STS_PROOF_TOKEN_TYPE,
  TLS_CLIENT_CERTIFICATE_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  X509_ASSERTION_TOKEN_TYPE,
} from './http/token-route.ts';
export type { PrincipalType } from './identity/arn.ts';
export type { AwsPrincipal, PrincipalRules } from './identity/principal.ts';
export { SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys/algorithms.ts';
export {
  createKeyFile,
  describeKmsKey,
  KeyRing,
  type KmsSeed,
  type RingKey,
  type RingSeed,
} from './keys/key-ring.ts';
export { KeyRingHolder } from './keys/key-ring-holder.ts';
export {
  defaultKmsClientConfig,
  type KmsClientFactory,
  KmsKeySource,
} from './keys/kms-signer.ts';
export { addStandby, KeyRingEditError, promote, retire, revoke } from './keys/ring-edits.ts';
export {
  KEY_STATUSES,
  type KeyStatus,
  type RingFile,
  readRingFile,
  writeRingFile,
} from './keys/ring-file.ts';
export {
  RedisReplayCache,
  type RedisReplayCacheOptions,
  redisEndpoint,
} from './replay/redis-replay-cache.ts';
export {
  MemoryReplayCache,
  type ReplayCache,
  ReplayCacheFullError,
} from './replay/replay-cache.ts';
export { buildStsAllowList, type StsHost } from './sts/endpoints.ts';
export { PARTITIONS, type Partition } from './sts/partitions.ts';
export { STS_PROOF_PREFIX } from './sts/proof-envelope.ts';
export { StsCaller, type StsCallerOptions } from './sts/sts-caller.ts';
export { StsLogin, type StsLoginOptions, type StsLoginResult } from './sts/sts-login.ts';
export { validateStsProof } from './sts/validate-proof.ts';
export type { LoginMethod, TokenClaims } from './token/claims.ts';
export {
  CertificateAuthenticator,
  type CertificateTrustConfig,
} from './x509/certificate-authenticator.ts';
export type { CertificateIdentity } from './x509/certificate-identity.ts';
export type {
  CertificateMethod,
  CertificatePrincipal,
} from './x509/certificate-principal.ts';
export { JWT_SVID_ALGORITHMS, type JwtSvidAlgorithm } from './x509/jwt-svid-login.ts';
export { parseSpiffeId, type SpiffeId } from './x509/spiffe-id.ts';
export { peerCertificateChain } from './x509/tls-peer-chain.ts';
export type { TrustStore } from './x509/trust-store.ts';
