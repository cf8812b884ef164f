// KMS's refusals of a Sign request, in KMS's order and words: validation, key usage, key state
// and the key policy's deny-Sign switch.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  GetPublicKeyCommand,
  SignCommand,
  type SignCommandInput,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { kmsRejects, useKmsEmulator } from './support/kms.ts';

const f = useKmsEmulator({
  keys: [
    { keySpec: 'RSA_2048', aliases: ['alias/rsa'] },
    { keySpec: 'ECC_NIST_P256', aliases: ['alias/backup'] },
  ],
});
const MESSAGE = Buffer.from('header.payload');
const sign = (input: Partial<SignCommandInput>) =>
  f.client().send(
    new SignCommand({
      KeyId: 'alias/rsa',
      Message: MESSAGE,
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      ...input,
    } as SignCommandInput),
  );

test('every model violation is reported at once, as KMS does', async () => {
  const err = await kmsRejects(
    sign({ KeyId: undefined, SigningAlgorithm: 'HS256' as never }),
    'ValidationException',
  );
  assert.match(err.message, /^2 validation errors detected: /);
  assert.match(
    err.message,
    /Value null at 'keyId' failed to satisfy constraint: Member must not be null/,
  );
  assert.match(
    err.message,
    /Value 'HS256' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: \[RSASSA_PSS_SHA_256, /,
  );
});

test('a RAW message over 4096 bytes is a ValidationException', async () => {
  const err = await kmsRejects(sign({ Message: Buffer.alloc(4097) }), 'ValidationException');
  assert.equal(
    err.message,
    "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
  );
});

test('a DIGEST of the wrong length for the algorithm is a ValidationException', async () => {
  const sha384 = createHash('sha384').update(MESSAGE).digest();
  const err = await kmsRejects(
    sign({ Message: sha384, MessageType: 'DIGEST' }),
    'ValidationException',
  );
  assert.equal(err.message, 'Digest is invalid length for algorithm RSASSA_PKCS1_V1_5_SHA_256.');
});

test('an algorithm the key spec does not allow is InvalidKeyUsageException', async () => {
  const err = await kmsRejects(
    sign({ SigningAlgorithm: 'ECDSA_SHA_256' }),
    'InvalidKeyUsageException',
  );
  assert.equal(err.message, 'Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.');
  const ec = await kmsRejects(
    sign({ KeyId: 'alias/backup', SigningAlgorithm: 'ECDSA_SHA_384' }),
    'InvalidKeyUsageException',
  );
  assert.equal(ec.message, 'Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.');
});

test('Disabled → DisabledException, PendingDeletion → KMSInvalidStateException, for Sign and GetPublicKey', async () => {
  const { arn } = f.kms.describe('alias/rsa');
  try {
    f.kms.setKeyState('alias/rsa', 'Disabled');
    assert.equal((await kmsRejects(sign({}), 'DisabledException')).message, `${arn} is disabled.`);
    await kmsRejects(
      f.client().send(new GetPublicKeyCommand({ KeyId: 'alias/rsa' })),
      'DisabledException',
    );
    f.kms.setKeyState('alias/rsa', 'PendingDeletion');
    const err = await kmsRejects(sign({}), 'KMSInvalidStateException');
    assert.equal(err.message, `${arn} is pending deletion.`);
  } finally {
    f.kms.setKeyState('alias/rsa', 'Enabled');
  }
});

test('denySign answers AccessDeniedException as a key policy would; the key stays published', async () => {
  const { arn } = f.kms.describe('alias/backup');
  const ecSign = () => sign({ KeyId: 'alias/backup', SigningAlgorithm: 'ECDSA_SHA_256' });
  const { Signature } = await ecSign();
  f.kms.denySign('alias/backup');
  try {
    const err = await kmsRejects(ecSign(), 'AccessDeniedException');
    assert.equal(
      err.message,
      `User: ${f.orders.arn} is not authorized to perform: kms:Sign on resource: ${arn} ` +
        'because no resource-based policy allows the kms:Sign action',
    );
    // GetPublicKey and Verify are other actions: a backup key is still published and verifiable.
    await f.client().send(new GetPublicKeyCommand({ KeyId: 'alias/backup' }));
    const verified = await f.client().send(
      new VerifyCommand({
        KeyId: 'alias/backup',
        Message: MESSAGE,
        Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    assert.equal(verified.SignatureValid, true);
    f.kms.denySign('alias/backup', 'explicit-deny');
    const explicit = await kmsRejects(ecSign(), 'AccessDeniedException');
    assert.match(
      explicit.message,
      /kms:Sign on resource: \S+ with an explicit deny in a resource-based policy$/,
    );
  } finally {
    f.kms.denySign('alias/backup', false);
  }
  await ecSign();
});
