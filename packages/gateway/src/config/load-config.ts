// Reads and validates the gateway's YAML configuration with rolegate's one config loader: errors
// name the option path, and every file path (declared below, beside the schema) is relative to
// the config file.
import {
  LOGIN_FILE_FIELDS,
  type LoadConfigFileOptions,
  loadConfigFile,
  parseConfig,
  REPLAY_FILE_FIELDS,
} from '@rolegate/identity';
import { type GatewayConfig, gatewayConfigSchema } from './schema.ts';

/** Every file-path option of the gateway (dotted, `*` for any index); policies may be inline. */
export const GATEWAY_FILE_FIELDS: readonly string[] = [
  'listeners.*.tls.certFile',
  'listeners.*.tls.keyFile',
  'jwt.jwksFile',
  'serviceNetwork.policy',
  'services.*.policy',
  'services.*.upstream.caFile',
  ...REPLAY_FILE_FIELDS.map((f) => `replay.${f}`),
  ...LOGIN_FILE_FIELDS,
];

export interface ParseConfigOptions {
  /** Named in error messages. Default `config`. */
  readonly source?: string;
  /** Relative file paths in the config are resolved against this folder. Default: as given. */
  readonly baseDir?: string;
}

/** Validates a config object (as read from YAML or written in code), fills defaults, freezes it. */
export function parseGatewayConfig(
  input: unknown,
  options: ParseConfigOptions = {},
): GatewayConfig {
  return parseConfig(gatewayConfigSchema, input, { ...options, filePaths: GATEWAY_FILE_FIELDS });
}

/**
 * Reads gateway.yaml: `${env:NAME}` and `${file:/path}` references resolved (from `env`, default
 * `process.env`), checked, file paths made relative to it.
 */
export function loadGatewayConfigFile(
  path: string,
  env?: LoadConfigFileOptions['env'],
): GatewayConfig {
  return loadConfigFile(gatewayConfigSchema, path, { filePaths: GATEWAY_FILE_FIELDS, env });
}
