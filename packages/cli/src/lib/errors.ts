// The CLI's own errors, on rolegate's one error base; lib/report-error.ts prints them (and every
// other package's) as one line with the stable code.

import { RolegateError } from '@rolegate/core';

export const CLI_ERRORS = {
  'cli.no_broker': { status: 400, description: 'no broker is named' },
  'cli.no_login_audience': { status: 400, description: 'the login audience is unknown' },
  'cli.unknown_dev_identity': { status: 400, description: 'no such rolegate dev identity' },
  'cli.invalid_option': { status: 400, description: 'an option is invalid' },
  'cli.exec_failed': { status: 500, description: 'the command could not start' },
  'cli.kms_unavailable': { status: 503, description: "the KMS key's public key cannot be read" },
  'cli.address_in_use': { status: 500, description: 'the port is taken' },
  'cli.address_forbidden': { status: 500, description: 'the port needs privileges' },
} as const;

export type CliErrorCode = keyof typeof CLI_ERRORS;

export class CliError extends RolegateError<CliErrorCode> {
  static override readonly registry = CLI_ERRORS;
}
