// @rolegate/gateway — a Lattice-style reverse proxy: per-service IAM auth policies (with an
// optional service-network tier), callers identified by rolegate token or raw STS proof, identity
// headers to the backend, streaming forwarding over undici pools.

/** A configuration that cannot be used (@rolegate/core's ConfigError, code `config.invalid`). */
export { ConfigError, ConfigError as GatewayConfigError } from '@rolegate/core';
export type { GatewayPrimary, GatewayPrimaryOptions } from './cluster/primary.ts';
export { runGatewayPrimary } from './cluster/primary.ts';
export { runGatewayWorker } from './cluster/worker.ts';
export type { ParseConfigOptions } from './config/load-config.ts';
export {
  GATEWAY_FILE_FIELDS,
  loadGatewayConfigFile,
  parseGatewayConfig,
} from './config/load-config.ts';
export type { GatewayConfig, GatewayConfigInput } from './config/schema.ts';
export { GATEWAY_DEFAULTS } from './config/schema.ts';
export type { ServiceConfig } from './config/service-schema.ts';
export { SERVICE_DEFAULTS } from './config/service-schema.ts';
export type {
  GatewayErrorCode,
  GatewayErrorSpec,
  GatewayStatus,
  GatewayWireError,
} from './errors/codes.ts';
export { GATEWAY_ERRORS } from './errors/codes.ts';
export { GatewayError, isGatewayError } from './errors/gateway-error.ts';
export type { Gateway, GatewayOptions, ReloadResult } from './gateway.ts';
export { createGateway } from './gateway.ts';
export { createGatewayLogger, GATEWAY_REDACTED_PATHS } from './ops/logger.ts';
export { identityHeader, identityTagsHeader } from './proxy/identity-headers.ts';
