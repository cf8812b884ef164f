// Reads and validates the broker's YAML configuration with rolegate's one config loader: errors
// name the option path, and every file path (declared below, beside the schema) is relative to
// the config file.
import {
  LOGIN_FILE_FIELDS,
  type LoadConfigFileOptions,
  loadConfigFile,
  parseConfig,
} from '@rolegate/identity';
import { type BrokerConfig, type BrokerConfigInput, brokerConfigSchema } from './schema.ts';

/** Every file-path option of the broker (dotted, `*` for any index). */
export const BROKER_FILE_FIELDS: readonly string[] = [
  'stateDir',
  'loginPolicy',
  'listen.tls.certFile',
  'listen.tls.keyFile',
  'replay.redis.caFile',
  ...LOGIN_FILE_FIELDS,
];

/** Validates a config object (as read from YAML or written in code), fills defaults, freezes it. */
export function parseBrokerConfig(input: unknown, source = 'config'): BrokerConfig {
  return parseConfig(brokerConfigSchema, input, { source });
}

/**
 * Reads broker.yaml: `${env:NAME}` and `${file:/path}` references resolved (from `env`, default
 * `process.env`), checked, file paths made relative to it.
 */
export function loadBrokerConfigFile(
  path: string,
  overrides: Partial<BrokerConfigInput> = {},
  env?: LoadConfigFileOptions['env'],
): BrokerConfig {
  return loadConfigFile(brokerConfigSchema, path, {
    filePaths: BROKER_FILE_FIELDS,
    overrides,
    env,
  });
}
