// Key management through the real @aws-sdk/client-kms: the four ways to name a key, DescribeKey's
// metadata, ListKeys/ListAliases with paging, CreateKey/CreateAlias and the key states.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetPublicKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { kmsRejects, useKmsEmulator } from './support/kms.ts';

const KEY_ID = '0b6a1c2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b';
const f = useKmsEmulator({
  region: 'eu-west-1',
  account: '444455556666',
  keys: [
    {
      keySpec: 'ECC_NIST_P256',
      keyId: KEY_ID,
      aliases: ['alias/broker-active'],
      description: 'active',
    },
    { keySpec: 'ECC_NIST_P384', aliases: ['alias/broker-standby'] },
  ],
});
const ARN = `arn:aws:kms:eu-west-1:444455556666:key/${KEY_ID}`;

test('a key is named by id, key ARN, alias name or alias ARN', async () => {
  for (const name of [
    KEY_ID,
    ARN,
    'alias/broker-active',
    'arn:aws:kms:eu-west-1:444455556666:alias/broker-active',
  ]) {
    const { KeyMetadata } = await f.client().send(new DescribeKeyCommand({ KeyId: name }));
    assert.equal(KeyMetadata?.Arn, ARN, name);
  }
});

test('DescribeKey answers KMS key metadata', async () => {
  const { KeyMetadata } = await f.client().send(new DescribeKeyCommand({ KeyId: KEY_ID }));
  assert.ok(KeyMetadata?.CreationDate instanceof Date);
  assert.deepEqual(
    { ...KeyMetadata, CreationDate: undefined },
    {
      AWSAccountId: '444455556666',
      KeyId: KEY_ID,
      Arn: ARN,
      CreationDate: undefined,
      Enabled: true,
      Description: 'active',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      MultiRegion: false,
    },
  );
});

test('unknown names answer NotFoundException in KMS words; other regions hold nothing here', async () => {
  const missing = '11111111-2222-4333-8444-555555555555';
  const cases: [string, string][] = [
    [missing, `Key 'arn:aws:kms:eu-west-1:444455556666:key/${missing}' does not exist`],
    ['alias/nope', 'Alias arn:aws:kms:eu-west-1:444455556666:alias/nope is not found.'],
    [
      ARN.replace('eu-west-1', 'us-east-1'),
      `Key '${ARN.replace('eu-west-1', 'us-east-1')}' does not exist`,
    ],
    ['not-a-key', "Invalid keyId 'not-a-key'"],
  ];
  for (const [KeyId, message] of cases) {
    const err = await kmsRejects(
      f.client().send(new DescribeKeyCommand({ KeyId })),
      'NotFoundException',
    );
    assert.equal(err.message, message);
  }
});

test('ListKeys and ListAliases page with Limit and Marker', async () => {
  const first = await f.client().send(new ListKeysCommand({ Limit: 1 }));
  assert.equal(first.Keys?.length, 1);
  assert.equal(first.Truncated, true);
  const rest = await f.client().send(new ListKeysCommand({ Marker: first.NextMarker }));
  assert.equal(rest.Truncated, false);
  const ids = [...(first.Keys ?? []), ...(rest.Keys ?? [])].map((k) => k.KeyId);
  assert.ok(ids.includes(KEY_ID));
  const all = await f.client().send(new ListAliasesCommand({}));
  const names = all.Aliases?.map((a) => a.AliasName) ?? [];
  assert.ok(names.includes('alias/broker-active') && names.includes('alias/broker-standby'));
  const mine = await f.client().send(new ListAliasesCommand({ KeyId: KEY_ID }));
  assert.deepEqual(
    mine.Aliases?.map((a) => [a.AliasName, a.AliasArn, a.TargetKeyId]),
    [['alias/broker-active', 'arn:aws:kms:eu-west-1:444455556666:alias/broker-active', KEY_ID]],
  );
});

test('CreateKey makes an asymmetric SIGN_VERIFY key; CreateAlias names it once', async () => {
  const { KeyMetadata } = await f
    .client()
    .send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Description: 'new' }),
    );
  assert.equal(KeyMetadata?.KeySpec, 'RSA_2048');
  assert.match(KeyMetadata?.KeyId ?? '', /^[0-9a-f-]{36}$/);
  await f
    .client()
    .send(new CreateAliasCommand({ AliasName: 'alias/fresh', TargetKeyId: KeyMetadata?.Arn }));
  const { KeyId } = await f.client().send(new GetPublicKeyCommand({ KeyId: 'alias/fresh' }));
  assert.equal(KeyId, KeyMetadata?.Arn);
  const again = f
    .client()
    .send(new CreateAliasCommand({ AliasName: 'alias/fresh', TargetKeyId: KEY_ID }));
  await kmsRejects(again, 'AlreadyExistsException');
  const bad = f.client().send(new CreateAliasCommand({ AliasName: 'fresh', TargetKeyId: KEY_ID }));
  await kmsRejects(bad, 'ValidationException');
});

test('CreateKey outside asymmetric SIGN_VERIFY is UnsupportedOperationException', async () => {
  await kmsRejects(f.client().send(new CreateKeyCommand({})), 'UnsupportedOperationException');
  const call = f.client().send(new CreateKeyCommand({ KeySpec: 'RSA_2048' })); // usage defaults to ENCRYPT_DECRYPT
  await kmsRejects(call, 'UnsupportedOperationException');
});

test('DisableKey, EnableKey, ScheduleKeyDeletion and CancelKeyDeletion move the key state', async () => {
  const { keyId, arn } = await f.kms.createKey('ECC_NIST_P256');
  const sign = () =>
    f.client().send(
      new SignCommand({
        KeyId: keyId,
        Message: Buffer.from('m'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
  await f.client().send(new DisableKeyCommand({ KeyId: keyId }));
  assert.equal((await kmsRejects(sign(), 'DisabledException')).message, `${arn} is disabled.`);
  await f.client().send(new EnableKeyCommand({ KeyId: arn }));
  await sign();
  const scheduled = await f
    .client()
    .send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
  assert.equal(scheduled.KeyState, 'PendingDeletion');
  assert.equal(scheduled.PendingWindowInDays, 7);
  assert.ok(scheduled.DeletionDate instanceof Date);
  const err = await kmsRejects(sign(), 'KMSInvalidStateException');
  assert.equal(err.message, `${arn} is pending deletion.`);
  await kmsRejects(
    f.client().send(new EnableKeyCommand({ KeyId: keyId })),
    'KMSInvalidStateException',
  );
  const { KeyMetadata } = await f.client().send(new DescribeKeyCommand({ KeyId: keyId }));
  assert.equal(KeyMetadata?.PendingDeletionWindowInDays, 7);
  await f.client().send(new CancelKeyDeletionCommand({ KeyId: keyId }));
  assert.equal(f.kms.describe(keyId).state, 'Disabled'); // as in KMS: cancelled → Disabled
  const tooShort = f
    .client()
    .send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 3 }));
  await kmsRejects(tooShort, 'ValidationException');
});

test('the emulator API changes states and refuses unknown keys with a TypeError', async () => {
  f.kms.setKeyState('alias/broker-standby', 'Disabled');
  assert.equal(f.kms.describe('alias/broker-standby').state, 'Disabled');
  f.kms.setKeyState('alias/broker-standby', 'Enabled');
  assert.throws(() => f.kms.setKeyState('alias/none', 'Disabled'), TypeError);
  assert.throws(() => f.kms.denySign('nope'), TypeError);
  await assert.rejects(f.kms.createKey('ECC_NIST_P256', { keyId: KEY_ID }), TypeError);
});

test('createKey keeps given key material, so a key id and public key survive a restart', async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const { keyId } = await f.kms.createKey('ECC_NIST_P256', {
    privateKeyPem,
    aliases: ['alias/kept'],
  });
  const { PublicKey } = await f.client().send(new GetPublicKeyCommand({ KeyId: keyId }));
  const expected = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  assert.deepEqual(Buffer.from(PublicKey as Uint8Array), expected);
  await assert.rejects(f.kms.createKey('ECC_NIST_P384', { privateKeyPem }), TypeError);
  await assert.rejects(f.kms.createKey('ECC_NIST_P256', { aliases: ['kept'] }), TypeError);
  await assert.rejects(f.kms.createKey('ECC_NIST_P256', { aliases: ['alias/kept'] }), TypeError);
});
