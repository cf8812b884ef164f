// Sign, Verify and GetPublicKey for every key spec and signing algorithm, through the real
// @aws-sdk/client-kms. Every signature is checked with node:crypto against the public key from
// GetPublicKey (DER SubjectPublicKeyInfo), never with the emulator's own code.
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  GetPublicKeyCommand,
  SignCommand,
  type SigningAlgorithmSpec,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { ALGORITHMS, type KmsKeySpec } from '../src/kms/key-specs.ts';
import { kmsRejects, useKmsEmulator } from './support/kms.ts';

const SPECS: Record<KmsKeySpec, SigningAlgorithmSpec[]> = {
  RSA_2048: [
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
  ],
  RSA_3072: [
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
  ],
  RSA_4096: [
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
  ],
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
};

const f = useKmsEmulator({
  keys: Object.keys(SPECS).map((spec) => ({
    keySpec: spec as KmsKeySpec,
    aliases: [`alias/${spec.toLowerCase()}`],
  })),
});

const MESSAGE = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb2xlZ2F0ZSJ9');

/** node:crypto's verification of a KMS signature over the original message. */
function nodeVerifies(key: KeyObject, algorithm: string, message: Buffer, sig: Uint8Array) {
  const { scheme, hash, digestLength } = ALGORITHMS[algorithm as keyof typeof ALGORITHMS];
  const options =
    scheme === 'pss'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digestLength }
      : scheme === 'pkcs1'
        ? { key, padding: constants.RSA_PKCS1_PADDING }
        : { key, dsaEncoding: 'der' as const };
  return verify(hash, message, options, sig);
}

for (const [spec, algorithms] of Object.entries(SPECS)) {
  describe(spec, () => {
    let publicKey: KeyObject;
    const alias = `alias/${spec.toLowerCase()}`;

    test('GetPublicKey answers DER SubjectPublicKeyInfo with spec, usage and algorithms', async () => {
      const out = await f.client().send(new GetPublicKeyCommand({ KeyId: alias }));
      const key = f.kms.describe(alias);
      assert.equal(out.KeyId, key.arn);
      assert.equal(out.KeySpec, spec);
      assert.equal(out.CustomerMasterKeySpec, spec);
      assert.equal(out.KeyUsage, 'SIGN_VERIFY');
      assert.deepEqual(out.SigningAlgorithms, algorithms);
      publicKey = createPublicKey({
        key: Buffer.from(out.PublicKey as Uint8Array),
        format: 'der',
        type: 'spki',
      });
      assert.equal(publicKey.asymmetricKeyType, spec.startsWith('RSA') ? 'rsa' : 'ec');
    });

    for (const algorithm of algorithms) {
      const { hash } = ALGORITHMS[algorithm as keyof typeof ALGORITHMS];

      test(`${algorithm}: RAW and DIGEST signatures verify with node:crypto and with Verify`, async () => {
        const raw = await f.client().send(
          new SignCommand({
            KeyId: alias,
            Message: MESSAGE,
            MessageType: 'RAW',
            SigningAlgorithm: algorithm,
          }),
        );
        assert.equal(raw.KeyId, f.kms.describe(alias).arn);
        assert.equal(raw.SigningAlgorithm, algorithm);
        assert.ok(nodeVerifies(publicKey, algorithm, MESSAGE, raw.Signature as Uint8Array));

        const digest = createHash(hash).update(MESSAGE).digest();
        const pre = await f.client().send(
          new SignCommand({
            KeyId: alias,
            Message: digest,
            MessageType: 'DIGEST',
            SigningAlgorithm: algorithm,
          }),
        );
        // Signing the digest is signing the message: node verifies it over the message itself.
        assert.ok(nodeVerifies(publicKey, algorithm, MESSAGE, pre.Signature as Uint8Array));

        // And KMS Verify accepts each signature in the other form.
        for (const [Message, MessageType, Signature] of [
          [MESSAGE, 'RAW', pre.Signature],
          [digest, 'DIGEST', raw.Signature],
        ] as const) {
          const out = await f.client().send(
            new VerifyCommand({
              KeyId: alias,
              Message,
              MessageType,
              Signature,
              SigningAlgorithm: algorithm,
            }),
          );
          assert.equal(out.SignatureValid, true);
          assert.equal(out.SigningAlgorithm, algorithm);
        }
      });

      test(`${algorithm}: Verify refuses a signature over another message, RAW and DIGEST`, async () => {
        const { Signature } = await f
          .client()
          .send(new SignCommand({ KeyId: alias, Message: MESSAGE, SigningAlgorithm: algorithm }));
        const other = Buffer.from('another message');
        const otherDigest = createHash(hash).update(other).digest();
        for (const [Message, MessageType] of [
          [other, 'RAW'],
          [otherDigest, 'DIGEST'],
        ] as const) {
          const call = f.client().send(
            new VerifyCommand({
              KeyId: alias,
              Message,
              MessageType,
              Signature,
              SigningAlgorithm: algorithm,
            }),
          );
          await kmsRejects(call, 'KMSInvalidSignatureException');
        }
      });
    }
  });
}

test('ECDSA signatures are DER (SEQUENCE of two INTEGERs), as KMS returns them', async () => {
  const { Signature } = await f.client().send(
    new SignCommand({
      KeyId: 'alias/ecc_nist_p256',
      Message: MESSAGE,
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
  const sig = Buffer.from(Signature as Uint8Array);
  assert.equal(sig[0], 0x30);
  assert.equal(sig[1], sig.length - 2);
  assert.ok(sig.length >= 8 && sig.length <= 72);
});

test('a 4096-byte RAW message is signed; MessageType defaults to RAW', async () => {
  const message = Buffer.alloc(4096, 7);
  const { Signature } = await f.client().send(
    new SignCommand({
      KeyId: 'alias/rsa_2048',
      Message: message,
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    }),
  );
  const { PublicKey } = await f.client().send(new GetPublicKeyCommand({ KeyId: 'alias/rsa_2048' }));
  const key = createPublicKey({
    key: Buffer.from(PublicKey as Uint8Array),
    format: 'der',
    type: 'spki',
  });
  assert.ok(verify('sha256', message, key, Signature as Uint8Array));
});
