// What `rolegate keys` runs (its flags: ../commands/keys.ts): reads and writes the broker's
// keyring.json; `add --kms` reads the KMS key's public key to learn its kid.
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
import type { AddKeyFlags, KeysFlags } from '../commands/keys.ts';
import { CliError } from '../lib/errors.ts';

export function listKeys(keysFlags: KeysFlags, flags: { json?: boolean }): void {
  const ring = readRingFile(keysDir(keysFlags));
  if (flags.json) return void process.stdout.write(`${JSON.stringify(ring, null, 2)}\n`);
  for (const k of ring.keys) {
    const when = k.revokedAt
      ? `revoked ${k.revokedAt}`
      : k.retiredAt
        ? `retiring since ${k.retiredAt}`
        : `created ${k.createdAt}`;
    process.stdout.write(`${k.status.padEnd(8)}  ${k.kid}  ${when}\n`);
  }
}

export async function addKey(keysFlags: KeysFlags, flags: AddKeyFlags): Promise<void> {
  const dir = keysDir(keysFlags);
  const ring = readRingFile(dir);
  const entry =
    flags.kms === undefined ? await localEntry(dir, flags) : await kmsEntry(flags.kms, flags);
  save(dir, addStandby(ring, entry), `added standby key ${entry.kid}`);
}

const EDITS = { promote, retire, revoke } as const;

export function editKey(keysFlags: KeysFlags, name: keyof typeof EDITS, kid: string): void {
  const dir = keysDir(keysFlags);
  save(dir, EDITS[name](readRingFile(dir), kid, new Date()), `${name}d ${kid}`);
}

async function localEntry(dir: string, flags: AddKeyFlags) {
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
async function kmsEntry(keyId: string, flags: AddKeyFlags) {
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
