// @rolegate/broker — the token service: proof or certificate in, short-lived JWT out. Logins are
// @rolegate/identity's; the broker adds the HTTP front, the login policy, claims, signers (local
// key, KMS), the key ring, JWKS and OIDC discovery (the Redis replay cache is identity's, re-exported).

// The Redis replay cache moved to @rolegate/identity (the gateway shares it); still exported here.
export {
  RedisReplayCache,
  type RedisReplayCacheOptions,
  redisEndpoint,
} from '@rolegate/identity';
export { type Broker, type BrokerOptions, createBroker } from './broker.ts';
export { checkBrokerConfig } from './config/check-config.ts';
export {
  BROKER_FILE_FIELDS,
  loadBrokerConfigFile,
  parseBrokerConfig,
} from './config/load-config.ts';
export type { BrokerConfig, BrokerConfigInput } from './config/schema.ts';
export { BrokerError, isBrokerError } from './errors/broker-error.ts';
export { BROKER_ERRORS, type BrokerErrorCode } from './errors/codes.ts';
export { createLogger as createBrokerLogger, REDACTED_PATHS } from './http/logger.ts';
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
export { buildClaims } from './token/claims.ts';
