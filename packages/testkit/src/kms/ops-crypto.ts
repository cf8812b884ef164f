// Sign, Verify and GetPublicKey. Checks run in KMS's order: the request against the model (all
// problems at once), then the key's name, the key policy (the deny-Sign switch), the key state,
// the algorithm against the key spec, and last the message itself.
import {
  ALGORITHMS,
  KEY_SPECS,
  type KmsSigningAlgorithm,
  MESSAGE_TYPE_ENUM,
  SIGNING_ALGORITHM_ENUM,
} from './key-specs.ts';
import type { KeyStore, StoredKey } from './key-store.ts';
import { accessDenied, disabled, KmsError, pendingDeletion } from './kms-error.ts';
import { type MessageType, signMessage, verifyMessage } from './signer.ts';
import { Fields, type JsonObject } from './validate.ts';

export interface OpContext {
  store: KeyStore;
  /** The calling principal's ARN, for AccessDeniedException messages. */
  principalArn: string;
  now: Date;
}

/** Disabled and PendingDeletion keys refuse every use (KMS's key-state table). */
export function requireUsable(key: StoredKey): void {
  if (key.state === 'Disabled') throw disabled(key.arn);
  if (key.state === 'PendingDeletion') throw pendingDeletion(key.arn);
}

interface SignatureRequest {
  key: StoredKey;
  algorithm: KmsSigningAlgorithm;
  message: Buffer;
  messageType: MessageType;
}

function signatureRequest(f: Fields, ctx: OpContext, action: 'Sign' | 'Verify') {
  const keyId = f.string('KeyId', { required: true, min: 1, max: 2048 });
  const message = f.blob('Message', { required: true, min: 1, max: 4096 });
  const messageType = f.oneOf('MessageType', MESSAGE_TYPE_ENUM) ?? 'RAW';
  const algorithm = f.oneOf('SigningAlgorithm', SIGNING_ALGORITHM_ENUM, true);
  const signature =
    action === 'Verify' ? f.blob('Signature', { required: true, min: 1, max: 6144 }) : undefined;
  f.check();
  const key = ctx.store.resolve(keyId as string);
  if (action === 'Sign' && key.signDenial !== undefined) {
    throw accessDenied(ctx.principalArn, 'Sign', key.arn, key.signDenial === 'explicit-deny');
  }
  requireUsable(key);
  const allowed: readonly string[] = KEY_SPECS[key.keySpec].signingAlgorithms;
  if (!allowed.includes(algorithm as string)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`,
    );
  }
  if (messageType === 'EXTERNAL_MU') {
    throw new KmsError(
      'ValidationException',
      `Message type EXTERNAL_MU is incompatible with key spec ${key.keySpec}.`,
    );
  }
  const known = algorithm as KmsSigningAlgorithm;
  const bytes = message as Buffer;
  if (messageType === 'DIGEST' && bytes.length !== ALGORITHMS[known].digestLength) {
    throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${known}.`);
  }
  const request: SignatureRequest = { key, algorithm: known, message: bytes, messageType };
  return { request, signature };
}

export function signOp(input: JsonObject, ctx: OpContext): JsonObject {
  const { request } = signatureRequest(new Fields(input), ctx, 'Sign');
  const { key, algorithm, message, messageType } = request;
  const signature = signMessage(key.privateKey, algorithm, message, messageType);
  return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
}

export function verifyOp(input: JsonObject, ctx: OpContext): JsonObject {
  const { request, signature } = signatureRequest(new Fields(input), ctx, 'Verify');
  const { key, algorithm, message, messageType } = request;
  if (!verifyMessage(key.publicKey, algorithm, message, messageType, signature as Buffer)) {
    // KMS answers a bad signature with an error, not SignatureValid: false, and no message.
    throw new KmsError('KMSInvalidSignatureException');
  }
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
}

export function getPublicKeyOp(input: JsonObject, ctx: OpContext): JsonObject {
  const f = new Fields(input);
  const keyId = f.string('KeyId', { required: true, min: 1, max: 2048 });
  f.check();
  const key = ctx.store.resolve(keyId as string);
  requireUsable(key);
  const spki = key.publicKey.export({ format: 'der', type: 'spki' });
  return {
    KeyId: key.arn,
    PublicKey: spki.toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: 'SIGN_VERIFY',
    SigningAlgorithms: [...KEY_SPECS[key.keySpec].signingAlgorithms],
  };
}
