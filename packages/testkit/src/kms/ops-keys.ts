// Key management: DescribeKey, ListKeys, ListAliases, CreateKey, CreateAlias, and the state
// changes DisableKey, EnableKey, ScheduleKeyDeletion and CancelKeyDeletion. Operations that take
// "key id or key ARN" in the KMS API reference do not accept aliases here either.
import {
  isSupportedKeySpec,
  KEY_SPEC_ENUM,
  KEY_SPECS,
  KEY_USAGE_ENUM,
  type KmsKeySpec,
} from './key-specs.ts';
import { ALIAS_NAME, type StoredKey } from './key-store.ts';
import { KmsError, pendingDeletion } from './kms-error.ts';
import type { OpContext } from './ops-crypto.ts';
import { Fields, type JsonObject } from './validate.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** JSON-protocol timestamps are epoch seconds. */
const epoch = (date: Date): number => date.getTime() / 1000;

export function keyMetadata(key: StoredKey, account: string): JsonObject {
  return {
    AWSAccountId: account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: epoch(key.creationDate),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'SIGN_VERIFY',
    KeyState: key.state,
    ...(key.deletionDate ? { DeletionDate: epoch(key.deletionDate) } : {}),
    ...(key.pendingWindowInDays ? { PendingDeletionWindowInDays: key.pendingWindowInDays } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    SigningAlgorithms: [...KEY_SPECS[key.keySpec].signingAlgorithms],
    MultiRegion: false,
  };
}

function keyArg(input: JsonObject, ctx: OpContext, aliases: boolean): StoredKey {
  const f = new Fields(input);
  const keyId = f.string('KeyId', { required: true, min: 1, max: 2048 });
  f.check();
  return ctx.store.resolve(keyId as string, { aliases });
}

export function describeKeyOp(input: JsonObject, ctx: OpContext): JsonObject {
  return { KeyMetadata: keyMetadata(keyArg(input, ctx, true), ctx.store.account) };
}

/** One page of a list, with KMS's opaque Marker (here: the offset, base64url). */
function page<T>(f: Fields, items: T[]): { items: T[]; more: JsonObject } {
  const limit = f.integer('Limit', 1, 1000) ?? 100;
  const marker = f.string('Marker', { min: 1, max: 1024 });
  f.check();
  const start = marker === undefined ? 0 : Number(Buffer.from(marker, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new KmsError('InvalidMarkerException', 'Invalid marker: ' + marker);
  }
  const end = Math.min(start + limit, items.length);
  const more =
    end < items.length
      ? { NextMarker: Buffer.from(String(end)).toString('base64url'), Truncated: true }
      : { Truncated: false };
  return { items: items.slice(start, end), more };
}

export function listKeysOp(input: JsonObject, ctx: OpContext): JsonObject {
  const { items, more } = page(new Fields(input), ctx.store.keys());
  return { Keys: items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), ...more };
}

export function listAliasesOp(input: JsonObject, ctx: OpContext): JsonObject {
  const f = new Fields(input);
  const keyId = f.string('KeyId', { min: 1, max: 2048 });
  const target = keyId === undefined ? undefined : ctx.store.resolve(keyId, { aliases: false });
  const all = ctx.store.aliases().filter((a) => !target || a.targetKeyId === target.keyId);
  const { items, more } = page(f, all);
  const aliases = items.map((a) => ({
    AliasName: a.aliasName,
    AliasArn: a.aliasArn,
    TargetKeyId: a.targetKeyId,
    CreationDate: epoch(a.creationDate),
    LastUpdatedDate: epoch(a.creationDate),
  }));
  return { Aliases: aliases, ...more };
}

export async function createKeyOp(input: JsonObject, ctx: OpContext): Promise<JsonObject> {
  const f = new Fields(input);
  const description = f.string('Description', { max: 8192 });
  const usage = f.oneOf('KeyUsage', KEY_USAGE_ENUM) ?? 'ENCRYPT_DECRYPT';
  const keySpec = f.oneOf('KeySpec', KEY_SPEC_ENUM);
  const legacySpec = f.oneOf('CustomerMasterKeySpec', KEY_SPEC_ENUM);
  f.check();
  const spec: string = keySpec ?? legacySpec ?? 'SYMMETRIC_DEFAULT';
  // Real KMS's defaults (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) are outside what this emulator does.
  if (!isSupportedKeySpec(spec) || usage !== 'SIGN_VERIFY') {
    throw new KmsError(
      'UnsupportedOperationException',
      `The KMS emulator creates only SIGN_VERIFY keys of spec ${Object.keys(KEY_SPECS).join(', ')};` +
        ` asked for ${spec} with key usage ${usage}.`,
    );
  }
  const key = await ctx.store.create({
    keySpec: spec as KmsKeySpec,
    ...(description === undefined ? {} : { description }),
  });
  return { KeyMetadata: keyMetadata(key, ctx.store.account) };
}

export function createAliasOp(input: JsonObject, ctx: OpContext): JsonObject {
  const f = new Fields(input);
  const aliasName = f.string('AliasName', { required: true, min: 1, max: 256 }) as string;
  const targetKeyId = f.string('TargetKeyId', { required: true, min: 1, max: 2048 });
  f.check();
  if (!aliasName.startsWith('alias/') || aliasName.startsWith('alias/aws/')) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/" and must not start with "alias/aws/".',
    );
  }
  if (!ALIAS_NAME.test(aliasName)) {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value '${aliasName}' at 'aliasName' failed to satisfy ` +
        'constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$',
    );
  }
  const key = ctx.store.resolve(targetKeyId as string, { aliases: false });
  if (key.state === 'PendingDeletion') throw pendingDeletion(key.arn);
  ctx.store.addAlias(aliasName, key);
  return {};
}

export function scheduleKeyDeletionOp(input: JsonObject, ctx: OpContext): JsonObject {
  const f = new Fields(input);
  const keyId = f.string('KeyId', { required: true, min: 1, max: 2048 });
  const days = f.integer('PendingWindowInDays', 7, 30) ?? 30;
  f.check();
  const key = ctx.store.resolve(keyId as string, { aliases: false });
  if (key.state === 'PendingDeletion') throw pendingDeletion(key.arn);
  key.state = 'PendingDeletion';
  key.deletionDate = new Date(ctx.now.getTime() + days * DAY_MS);
  key.pendingWindowInDays = days;
  return {
    KeyId: key.arn,
    DeletionDate: epoch(key.deletionDate),
    KeyState: key.state,
    PendingWindowInDays: days,
  };
}

export function cancelKeyDeletionOp(input: JsonObject, ctx: OpContext): JsonObject {
  const key = keyArg(input, ctx, false);
  if (key.state !== 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  // A key whose deletion is cancelled comes back Disabled, as in KMS.
  key.state = 'Disabled';
  delete key.deletionDate;
  delete key.pendingWindowInDays;
  return { KeyId: key.arn };
}

export function setEnabledOp(enabled: boolean) {
  return (input: JsonObject, ctx: OpContext): JsonObject => {
    const key = keyArg(input, ctx, false);
    if (key.state === 'PendingDeletion') throw pendingDeletion(key.arn);
    key.state = enabled ? 'Enabled' : 'Disabled';
    return {};
  };
}
