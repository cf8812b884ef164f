// `rolegate keys add --kms` against the KMS emulator, through the real binary and the AWS SDK's
// default credential chain (environment variables here): the ring gains a standby entry whose kid
// is the thumbprint of the key KMS holds, and a key that cannot be used is refused with a code.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKeyFile, readRingFile, writeRingFile } from '@rolegate/broker';
import {
  createDevIdentities,
  type KmsEmulator,
  type StsIdentity,
  startKmsEmulator,
} from '@rolegate/testkit';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { cleanEnv, runCli } from './support/run-cli.ts';

describe('rolegate keys add --kms', () => {
  let kms: KmsEmulator;
  let caller: StsIdentity;
  let stateDir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    [caller] = createDevIdentities() as [StsIdentity];
    kms = await startKmsEmulator({ credentials: [caller] });
    stateDir = mkdtempSync(join(tmpdir(), 'rolegate-keys-kms-'));
    const dir = join(stateDir, 'keys');
    const active = await createKeyFile(dir, 'RS256');
    writeRingFile(dir, { version: 1, keys: [{ ...active, status: 'active' }] });
    env = cleanEnv({
      AWS_ACCESS_KEY_ID: caller.accessKeyId,
      AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
      AWS_SESSION_TOKEN: caller.sessionToken,
      AWS_REGION: kms.region,
    });
  });
  after(async () => {
    await kms?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** The RFC 7638 thumbprint of a KMS key's public key, read from the emulator, not rolegate. */
  const thumbprintOf = async (keyId: string) =>
    calculateJwkThumbprint(await exportJWK(kms.describe(keyId).publicKey), 'sha256');

  const keys = (...args: string[]) =>
    runCli(['keys', '--state-dir', stateDir, ...args], { env, timeoutMs: 60_000 });

  it('adds a KMS key by alias as standby, kid = thumbprint of its public key, no file written', async () => {
    const created = await kms.createKey('RSA_2048', { aliases: ['alias/rolegate-next'] });
    const res = await keys('add', '--kms', 'alias/rolegate-next', '--endpoint', kms.url);
    assert.equal(res.code, 0, res.stderr);
    const kid = await thumbprintOf(created.keyId);
    assert.match(res.stdout, new RegExp(`added standby key ${kid}`));
    const entry = readRingFile(join(stateDir, 'keys')).keys.find((k) => k.kid === kid);
    assert.deepEqual(entry?.kms, {
      keyId: 'alias/rolegate-next',
      region: kms.region,
      endpoint: kms.url,
    });
    assert.equal(entry?.status, 'standby');
    assert.equal(entry?.file, undefined);
    assert.equal(readdirSync(join(stateDir, 'keys')).filter((f) => f.endsWith('.pem')).length, 1);
  });

  it('refuses the same key twice', async () => {
    const res = await keys('add', '--kms', 'alias/rolegate-next', '--endpoint', kms.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /keys\.invalid_transition|already/);
  });

  it('refuses a missing key, an unsupported key spec, a disabled key and bad options, with codes', async () => {
    const missing = await keys('add', '--kms', 'alias/nothing-here', '--endpoint', kms.url);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^rolegate: cli\.kms_unavailable: .*alias\/nothing-here/m);

    // P-384 has no JWS algorithm the broker signs with (ES256 is P-256 only).
    const p384 = await kms.createKey('ECC_NIST_P384');
    const unsupported = await keys('add', '--kms', p384.keyId, '--endpoint', kms.url);
    assert.equal(unsupported.code, 1);
    assert.match(unsupported.stderr, /cli\.kms_unavailable/);

    const disabled = await kms.createKey('RSA_2048');
    kms.setKeyState(disabled.keyId, 'Disabled');
    const off = await keys('add', '--kms', disabled.keyId, '--endpoint', kms.url);
    assert.equal(off.code, 1);
    assert.match(off.stderr, /cli\.kms_unavailable/);

    const noRegion = await runCli(
      ['keys', '--state-dir', stateDir, 'add', '--kms', 'alias/rolegate-next'],
      { env: { ...env, AWS_REGION: '' } },
    );
    assert.match(noRegion.stderr, /cli\.invalid_option: --kms needs --region/);
    const stray = await keys('add', '--region', 'us-east-1');
    assert.match(stray.stderr, /cli\.invalid_option: --region and --endpoint go with --kms/);
    // Nothing was added by any refusal.
    assert.equal(readRingFile(join(stateDir, 'keys')).keys.length, 2);
  });
});
