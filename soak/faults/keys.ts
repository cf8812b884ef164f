// The key ring as an operator edits it: through the real `rolegate keys` CLI on the brokers'
// shared state folder (both replicas watch keyring.json), with KMS keys made on the emulator
// first, as an operator would create them in the console.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROLEGATE_BIN } from '../lib/children.ts';
import { KMS_REGION } from '../lib/constants.ts';
import type { Party } from '../parties/party.ts';

/** What editing the ring needs (a Stack has it; the stack's own setup passes it early). */
export interface KeysContext {
  readonly brokerStateDir: string;
  readonly kmsEnv: Readonly<Record<string, string>>;
  readonly kmsUrl: string;
  readonly kms: Party;
}

const run = promisify(execFile);

interface RingEntry {
  readonly kid: string;
  readonly status: string;
  readonly kms?: { readonly keyId: string };
}

// A CLI start can take tens of seconds on a starved machine: a generous deadline, and a second
// try for a run that timed out (each edit checks the ring's state first, so a repeat is refused
// rather than applied twice, and the error says so).
async function keys(stack: KeysContext, ...args: string[]): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const { stdout } = await run(
        process.execPath,
        [ROLEGATE_BIN, 'keys', '--state-dir', stack.brokerStateDir, ...args],
        { env: { ...process.env, ...stack.kmsEnv }, timeout: 90_000 },
      );
      return stdout;
    } catch (error) {
      lastError = error;
      if (!(error as { killed?: boolean }).killed) break;
    }
  }
  throw lastError;
}

/** The ring as the brokers read it (keyring.json; reading needs no CLI start). */
export async function listRing(stack: KeysContext): Promise<readonly RingEntry[]> {
  const file = join(stack.brokerStateDir, 'keys', 'keyring.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { keys: RingEntry[] }).keys;
}

/** Creates a KMS key under `alias`, adds it to the ring as a standby; returns its kid. */
export async function addKmsKey(
  stack: KeysContext,
  alias: string,
  create: boolean,
): Promise<string> {
  if (create) await stack.kms.control({ createKey: alias });
  await keys(stack, 'add', '--kms', alias, '--region', KMS_REGION, '--endpoint', stack.kmsUrl);
  const entry = (await listRing(stack)).find((k) => k.kms?.keyId === alias);
  if (!entry) throw new Error(`rolegate keys add --kms ${alias}: not in the ring`);
  return entry.kid;
}

export async function editKey(
  stack: KeysContext,
  action: 'promote' | 'retire' | 'revoke',
  kid: string,
): Promise<void> {
  await keys(stack, action, '--', kid);
}

/** The active key's kid and KMS alias. */
export async function activeKey(stack: KeysContext): Promise<{ kid: string; alias: string }> {
  const entry = (await listRing(stack)).find((k) => k.status === 'active');
  if (!entry?.kms) throw new Error('the ring has no active KMS key');
  return { kid: entry.kid, alias: entry.kms.keyId };
}
