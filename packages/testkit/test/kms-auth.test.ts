// SigV4 on the KMS emulator, verified for real: the SDK's own requests with wrong keys, secrets,
// regions, tokens and clocks, and hand-signed requests for what the SDK never sends. Answers are
// AWS JSON 1.1 errors: `{"__type": …, "message": …}` with a request id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { createDevIdentities, type StsIdentity } from '../src/index.ts';
import { kmsClient, kmsRejects, rawKmsCall, useKmsEmulator } from './support/kms.ts';

const f = useKmsEmulator();
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const stranger = (): StsIdentity =>
  (createDevIdentities() as [StsIdentity, StsIdentity, StsIdentity])[2];

test('both dev identities (role session with token, IAM user) are let in', async () => {
  for (const who of [f.orders, f.alice]) {
    const out = await kmsClient(f.kms, who).send(new ListKeysCommand({}));
    assert.deepEqual(out.Keys, []);
  }
});

test('an unknown access key id is UnrecognizedClientException', async () => {
  const err = await kmsRejects(
    kmsClient(f.kms, stranger()).send(new ListKeysCommand({})),
    'UnrecognizedClientException',
  );
  assert.equal(err.message, 'The security token included in the request is invalid.');
});

test('a wrong secret is InvalidSignatureException', async () => {
  const who = { ...f.alice, secretAccessKey: `${f.alice.secretAccessKey.slice(1)}x` };
  const err = await kmsRejects(
    kmsClient(f.kms, who).send(new ListKeysCommand({})),
    'InvalidSignatureException',
  );
  assert.equal(err.message, SIGNATURE_MISMATCH);
});

test('a credential scoped to another region is InvalidSignatureException', async () => {
  const client = kmsClient(f.kms, f.alice, { region: 'us-west-2' });
  const err = await kmsRejects(client.send(new ListKeysCommand({})), 'InvalidSignatureException');
  assert.equal(err.message, "Credential should be scoped to a valid region, not 'us-west-2'. ");
});

test('a role session without its token, or with another, is UnrecognizedClientException', async () => {
  const { sessionToken: _omit, ...bare } = f.orders;
  await kmsRejects(
    kmsClient(f.kms, bare).send(new ListKeysCommand({})),
    'UnrecognizedClientException',
  );
  const wrong = { ...f.orders, sessionToken: `${f.orders.sessionToken}x` };
  await kmsRejects(
    kmsClient(f.kms, wrong).send(new ListKeysCommand({})),
    'UnrecognizedClientException',
  );
});

test('an expired session is ExpiredTokenException', async () => {
  const [expired] = createDevIdentities() as [StsIdentity];
  f.kms.addCredential({ ...expired, sessionExpiration: '2020-01-01T00:00:00Z' });
  const err = await kmsRejects(
    kmsClient(f.kms, expired).send(new ListKeysCommand({})),
    'ExpiredTokenException',
  );
  assert.equal(err.message, 'The security token included in the request is expired');
});

test('a request signed more than 15 minutes off the emulator clock is InvalidSignatureException', async () => {
  f.now.value = new Date(Date.now() + 20 * 60 * 1000);
  try {
    const err = await kmsRejects(
      kmsClient(f.kms, f.alice).send(new ListKeysCommand({})),
      'InvalidSignatureException',
    );
    assert.match(err.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
  } finally {
    delete f.now.value;
  }
});

test('no signature at all is MissingAuthenticationTokenException, in the JSON 1.1 error shape', async () => {
  const answer = await rawKmsCall(f.kms, 'TrentService.ListKeys', '{}');
  assert.equal(answer.status, 400);
  assert.equal(answer.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.match(answer.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  assert.deepEqual(JSON.parse(answer.body), {
    __type: 'MissingAuthenticationTokenException',
    message: 'Request is missing Authentication Token',
  });
});

test('the signature covers the body: a changed body is InvalidSignatureException', async () => {
  const ok = await rawKmsCall(f.kms, 'TrentService.ListKeys', '{}', { who: f.alice });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { Keys: [], Truncated: false });
  const bad = await rawKmsCall(f.kms, 'TrentService.ListKeys', '{}', {
    who: f.alice,
    tamper: '{ }',
  });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body).__type, 'InvalidSignatureException');
});

test('an unknown operation is UnknownOperationException; a body that is not JSON is SerializationException', async () => {
  const unknown = await rawKmsCall(f.kms, 'TrentService.Encryptify', '{}', { who: f.alice });
  assert.equal(unknown.status, 400);
  assert.deepEqual(JSON.parse(unknown.body), { __type: 'UnknownOperationException' });
  const notJson = await rawKmsCall(f.kms, 'TrentService.DescribeKey', 'KeyId=x', { who: f.alice });
  assert.equal(JSON.parse(notJson.body).__type, 'SerializationException');
  // Authentication comes first: an unsigned unknown operation is an authentication error.
  const unsigned = await rawKmsCall(f.kms, 'TrentService.Encryptify', '{}');
  assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
});

test('a value of the wrong JSON type is SerializationException, not ValidationException', async () => {
  const answer = await rawKmsCall(f.kms, 'TrentService.DescribeKey', '{"KeyId":42}', {
    who: f.alice,
  });
  assert.equal(JSON.parse(answer.body).__type, 'SerializationException');
  await kmsRejects(
    kmsClient(f.kms, f.alice).send(new DescribeKeyCommand({ KeyId: '' })),
    'ValidationException',
  );
});
