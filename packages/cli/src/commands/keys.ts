// `rolegate keys list|add|promote|retire|revoke`: edits the broker's key ring. A running broker
// picks the change up by itself (file watch, or SIGHUP) and never signs with a key that is not
// active and usable. The broker's key code is loaded only when a subcommand runs:
// ../actions/keys.ts.
import type { Command } from 'commander';

export interface KeysFlags {
  readonly config?: string;
  readonly stateDir?: string;
}

export interface AddKeyFlags {
  readonly alg: string;
  readonly kms?: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/**
 * The broker's SIGNING_ALGORITHMS, for the help text only (which must not load the broker);
 * a test keeps the two lists equal, and the broker's list is what `keys add` checks against.
 */
export const HELP_SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

const actions = () => import('../actions/keys.ts');

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description("manage the broker's signing keys (rotation, compromise)")
    .option('--config <file>', 'the broker config whose stateDir holds the keys')
    .option('--state-dir <dir>', 'the broker state folder (instead of --config)');

  keys
    .command('list')
    .description('list keys with their status')
    .option('--json', 'print keyring.json')
    .action(async (flags: { json?: boolean }, command: Command) => {
      (await actions()).listKeys(command.parent!.opts<KeysFlags>(), flags);
    });

  keys
    .command('add')
    .description(
      'add a standby key (published at once, signs only once promoted): a new local key, or a KMS key with --kms',
    )
    .option('--alg <alg>', `local key algorithm: ${HELP_SIGNING_ALGORITHMS.join(', ')}`, 'RS256')
    .option('--kms <key-id>', 'an AWS KMS key instead: key id, key ARN, alias/NAME or alias ARN')
    .option('--region <region>', 'the KMS key region (with --kms; default AWS_REGION)')
    .option('--endpoint <url>', 'KMS endpoint (with --kms; VPC endpoints and emulators only)')
    .action(async (flags: AddKeyFlags, command: Command) => {
      await (await actions()).addKey(command.parent!.opts<KeysFlags>(), flags);
    });

  for (const [name, help] of [
    ['promote', 'make a standby key active; the active key starts retiring'],
    ['retire', 'stop using a standby key; published until tokens could have expired'],
    ['revoke', 'withdraw a non-active key from the JWKS at once (compromise)'],
  ] as const) {
    keys
      .command(`${name} <kid>`)
      .description(help)
      .action(async (kid: string, _flags: unknown, command: Command) => {
        (await actions()).editKey(command.parent!.opts<KeysFlags>(), name, kid);
      });
  }
}
