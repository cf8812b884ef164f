// `rolegate keys list|add|promote|retire|revoke`: edits the broker's key ring. A running broker
// picks the change up by itself (file watch, or SIGHUP) and never signs with a key that is not
// active and usable.
import { join } from 'node:path';
import {
  addStandby,
  createKeyFile,
  describeKmsKey,
  KmsKeySource,
  loadBrokerConfigFile,
  promote,
  type RingFile,
  readRingFile,
  retire,
  revoke,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  writeRingFile,
} from '@rolegate/broker';
import type { Command } from 'commander';
import { CliError } from '../lib/errors.ts';

interface KeysFlags {
  config?: string;
  stateDir?: string;
}

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
    .action((flags: { json?: boolean }, command: Command) => {
      const ring = readRingFile(keysDir(command.parent!.opts()));
      if (flags.json) return void process.stdout.write(`${JSON.stringify(ring, null, 2)}\n`);
      for (const k of ring.keys) {
        const when = k.revokedAt
          ? `revoked ${k.revokedAt}`
          : k.retiredAt
            ? `retiring since ${k.retiredAt}`
            : `created ${k.createdAt}`;
        process.stdout.write(`${k.status.padEnd(8)}  ${k.kid}  ${when}\n`);
      }
    });

  keys
    .command('add')
    .description(
      'add a standby key (published at once, signs only once promoted): a new local key, or a KMS key with --kms',
    )
    .option('--alg <alg>', `local key algorithm: ${SIGNING_ALGORITHMS.join(', ')}`, 'RS256')
    .option('--kms <key-id>', 'an AWS KMS key instead: key id, key ARN, alias/NAME or alias ARN')
    .option('--region <region>', 'the KMS key region (with --kms; default AWS_REGION)')
    .option('--endpoint <url>', 'KMS endpoint (with --kms; VPC endpoints and emulators only)')
    .action(async (flags: AddFlags, command: Command) => {
      const dir = keysDir(command.parent!.opts());
      const ring = readRingFile(dir);
      const entry =
        flags.kms === undefined ? await localEntry(dir, flags) : await kmsEntry(flags.kms, flags);
      save(dir, addStandby(ring, entry), `added standby key ${entry.kid}`);
    });

  for (const [name, edit, help] of [
    ['promote', promote, 'make a standby key active; the active key starts retiring'],
    ['retire', retire, 'stop using a standby key; published until tokens could have expired'],
    ['revoke', revoke, 'withdraw a non-active key from the JWKS at once (compromise)'],
  ] as const) {
    keys
      .command(`${name} <kid>`)
      .description(help)
      .action((kid: string, _flags: unknown, command: Command) => {
        const dir = keysDir(command.parent!.opts());
        save(dir, edit(readRingFile(dir), kid, new Date()), `${name}d ${kid}`);
      });
  }
}

interface AddFlags {
  alg: string;
  kms?: string;
  region?: string;
  endpoint?: string;
}

async function localEntry(dir: string, flags: AddFlags) {
  if (flags.region !== undefined || flags.endpoint !== undefined) {
    throw new CliError('cli.invalid_option', '--region and --endpoint go with --kms');
  }
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(flags.alg)) {
    throw new CliError(
      'cli.invalid_option',
      `--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`,
    );
  }
  return createKeyFile(dir, flags.alg as SigningAlgorithm);
}

/** Reads the KMS key's public key (credentials: the AWS SDK's default chain) to learn its kid. */
async function kmsEntry(keyId: string, flags: AddFlags) {
  const region =
    flags.region || process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || undefined;
  if (region === undefined) {
    throw new CliError('cli.invalid_option', '--kms needs --region (or AWS_REGION)');
  }
  if (flags.endpoint !== undefined && !URL.canParse(flags.endpoint)) {
    throw new CliError('cli.invalid_option', '--endpoint must be a URL');
  }
  const ref =
    flags.endpoint === undefined ? { keyId, region } : { keyId, region, endpoint: flags.endpoint };
  const kms = new KmsKeySource();
  try {
    return await describeKmsKey(ref, kms);
  } catch (error) {
    throw new CliError(
      'cli.kms_unavailable',
      `cannot use KMS key ${keyId}: ${(error as Error).message}`,
    );
  } finally {
    kms.close();
  }
}

function keysDir(flags: KeysFlags): string {
  if (flags.stateDir && flags.config)
    throw new CliError('cli.invalid_option', 'give --config or --state-dir, not both');
  if (flags.stateDir) return join(flags.stateDir, 'keys');
  if (flags.config) return join(loadBrokerConfigFile(flags.config).stateDir, 'keys');
  throw new CliError('cli.invalid_option', 'say which broker: --config FILE or --state-dir DIR');
}

function save(dir: string, ring: RingFile, message: string): void {
  writeRingFile(dir, ring);
  process.stdout.write(`${message}; running brokers reload keyring.json by themselves\n`);
}
