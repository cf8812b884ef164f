// The fault knobs, changed at run time on a live emulator and seen through the real SDK.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { beforeEach, test } from 'node:test';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { createDevIdentities, type StsIdentity } from '../src/index.ts';
import { startKmsEmulator } from '../src/kms/emulator.ts';
import { kmsClient, kmsRejects, useKmsEmulator } from './support/kms.ts';

const f = useKmsEmulator({ keys: [{ keySpec: 'ECC_NIST_P256', aliases: ['alias/k'] }] });
const signCommand = () =>
  new SignCommand({
    KeyId: 'alias/k',
    Message: Buffer.from('m'),
    SigningAlgorithm: 'ECDSA_SHA_256',
  });

beforeEach(() => {
  for (const key of Object.keys(f.kms.faults))
    delete f.kms.faults[key as keyof typeof f.kms.faults];
});

test('latencyMs delays the answer', async () => {
  f.kms.faults.latencyMs = 60;
  const started = performance.now();
  await f.client().send(signCommand());
  // A lower bound only: timers never fire much early, but may fire late on a busy machine.
  assert.ok(performance.now() - started >= 50);
});

test('throttleRate 1 answers 400 ThrottlingException "Rate exceeded"; the SDK retries it', async () => {
  f.kms.faults.throttleRate = 1;
  const err = await kmsRejects(f.client().send(signCommand()), 'ThrottlingException');
  assert.equal(err.message, 'Rate exceeded');
  const before = f.kms.callsTo('Sign');
  const retrying = kmsClient(f.kms, f.orders, { maxAttempts: 3 });
  await kmsRejects(retrying.send(signCommand()), 'ThrottlingException');
  assert.equal(f.kms.callsTo('Sign') - before, 3);
  f.kms.faults.throttleRate = 0;
  await f.client().send(signCommand());
});

test('serverErrorRate 1 answers 500 KMSInternalException', async () => {
  f.kms.faults.serverErrorRate = 1;
  await kmsRejects(f.client().send(signCommand()), 'KMSInternalException', 500);
});

test('operations limits the knobs: Sign fails while GetPublicKey still answers', async () => {
  f.kms.faults.serverErrorRate = 1;
  f.kms.faults.operations = ['Sign'];
  await kmsRejects(f.client().send(signCommand()), 'KMSInternalException', 500);
  const before = f.kms.callsTo('GetPublicKey');
  await f.client().send(new GetPublicKeyCommand({ KeyId: 'alias/k' }));
  assert.equal(f.kms.callsTo('GetPublicKey'), before + 1);
});

test('hang accepts and never answers; close() ends the hanging request', async () => {
  const [who] = createDevIdentities() as [StsIdentity];
  const kms = await startKmsEmulator({
    credentials: [who],
    keys: [{ keySpec: 'ECC_NIST_P256', aliases: ['alias/k'] }],
  });
  kms.faults.hang = true;
  const pending = kmsClient(kms, who).send(signCommand());
  const outcome = pending.then(
    () => 'answered',
    () => 'failed',
  );
  // Wait (by turns of the event loop, no clock) until the request has arrived, then close.
  while (kms.calls === 0) await new Promise((resolve) => setImmediate(resolve));
  await kms.close();
  assert.equal(await outcome, 'failed');
});
