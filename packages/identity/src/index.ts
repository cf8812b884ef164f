// @rolegate/identity — who is calling, from a credential. Everything a login checks, shared by the
// broker (which then issues a token) and the gateway (which authorizes the request directly):
// presigned STS proofs (rules, the rebuilt request, STS's answer read strictly), principal
// normalisation, X.509 and SPIFFE path validation and the principal a certificate becomes, the
// replay cache (memory, or Redis shared by brokers and gateways), their config schemas and their
// error codes.

export { PARTITIONS, type Partition } from '@rolegate/core';
export type {
  ConfigSchema,
  LoadConfigFileOptions,
  ParseConfigOptions,
} from './config/load-config.ts';
export { loadConfigFile, parseConfig, readConfigDocument } from './config/load-config.ts';
export {
  perAccountLimit,
  REPLAY_DEFAULTS,
  REPLAY_FILE_FIELDS,
  type ReplayConfig,
  redisReplaySchema,
  replaySchema,
  replaySchemaWithoutDefaults,
} from './config/replay-schema.ts';
export type {
  CertificateTrustConfig,
  PrincipalsConfig,
  StsConfig,
  X509Config,
} from './config/schema.ts';
export {
  CERTIFICATE_TRUST_FILE_FIELDS,
  certificateTrustFields,
  checkCertificateTrust,
  LOGIN_FILE_FIELDS,
  principalsSchema,
  STS_FILE_FIELDS,
  stsSchema,
  x509Schema,
} from './config/schema.ts';
export type { IdentityErrorCode, LoginErrorSpec, OAuthError } from './errors.ts';
export { IDENTITY_ERRORS, IdentityError, isIdentityError, spec } from './errors.ts';
// The operational shape the broker and the gateway share: one log format, one request line, one
// admin listener for /healthz, /readyz and /metrics, one overload guard.
export {
  ACCEPTORS,
  type AcceptGroup,
  type AcceptOptions,
  type ListenOptions,
  listenWithAcceptors,
  reusePortSupported,
} from './ops/acceptors.ts';
export { type AdminDeps, createAdminServer } from './ops/admin-server.ts';
export {
  OverloadGuard,
  type OverloadOptions,
  type OverloadReport,
  SHED_REASONS,
  type ShedReason,
} from './ops/overload.ts';
export { logRequest, REQUEST_LOG_FIELDS, type RequestLogLine, roundMs } from './ops/request-log.ts';
export {
  createServiceLogger,
  LOG_BASE_FIELDS,
  type ServiceLoggerOptions,
} from './ops/service-logger.ts';
export {
  compileShedAnswer,
  guardRequests,
  guardUpgrades,
  LISTEN_BACKLOG,
  SHED_RETRY_AFTER_SECONDS,
  type ShedAnswerShape,
  type ShedWriter,
} from './ops/shed-requests.ts';
export type { AwsPrincipal, PrincipalRules } from './principal/principal.ts';
export {
  type ConfiguredReplayCacheOptions,
  connectReplayCache,
  createConfiguredReplayCache,
} from './replay/configured-cache.ts';
export {
  RedisReplayCache,
  type RedisReplayCacheOptions,
  readRedisCa,
  redisEndpoint,
} from './replay/redis-replay-cache.ts';
export {
  MemoryReplayCache,
  ReplayAccountQuotaError,
  type ReplayCache,
  ReplayCacheFullError,
} from './replay/replay-cache.ts';
export { type ReplayStep, replayOp } from './replay/replay-op.ts';
export { buildStsAllowList, type StsHost } from './sts/endpoints.ts';
export { StsCaller, type StsCallerOptions } from './sts/sts-caller.ts';
export { StsLogin, type StsLoginOptions, type StsLoginResult } from './sts/sts-login.ts';
export { validateStsProof } from './sts/validate-proof.ts';
export {
  incomingTraceContext,
  inSpan,
  markSpanFailed,
  tracingActive,
  UNRECORDED_SPAN,
} from './tracing/spans.ts';
// Parsing, path validation, tags and source identity are exported too for emulators of
// certificate-based AWS services (@rolegate/testkit's IAM Roles Anywhere), so they hold a
// certificate to exactly the rules rolegate's own certificate logins do.
export { type ParsedCertificate, parseCertificate, serialHex } from './x509/certificate.ts';
export { CertificateAuthenticator, openStore } from './x509/certificate-authenticator.ts';
export type { CertificateIdentity } from './x509/certificate-identity.ts';
export { MAX_PATH_LENGTH } from './x509/certificate-identity.ts';
export type { CertificateMethod, CertificatePrincipal } from './x509/certificate-principal.ts';
export { sourceIdentity } from './x509/certificate-principal.ts';
export { CrlSet } from './x509/crl.ts';
export { JWT_SVID_ALGORITHMS, type JwtSvidAlgorithm, JwtSvidLogin } from './x509/jwt-svid-login.ts';
export { describeName } from './x509/names.ts';
export { parsePem } from './x509/pem.ts';
export { Profiles } from './x509/profiles.ts';
export { parseSpiffeId, type SpiffeId } from './x509/spiffe-id.ts';
export { certificateTags, tagValueProblem } from './x509/tags.ts';
export { peerCertificateChain } from './x509/tls-peer-chain.ts';
export type { TrustStore } from './x509/trust-store.ts';
export { verifyChain } from './x509/verify-chain.ts';
export { X509Login } from './x509/x509-login.ts';
