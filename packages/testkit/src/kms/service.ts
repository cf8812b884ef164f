// The KMS service proper: one received request in, the JSON answer (or a KmsError) out. KMS
// speaks AWS JSON 1.1: `POST /`, `X-Amz-Target: TrentService.<Operation>`, a JSON object body.
// Order as in AWS: authenticate first (a bad signature on an unknown operation is a signature
// error), then the operation, then the body.
import { headerValue, type ReceivedRequest } from '../sts/received.ts';
import { authenticateKms, type KmsCredential } from './auth.ts';
import type { KeyStore } from './key-store.ts';
import { KmsError } from './kms-error.ts';
import { getPublicKeyOp, type OpContext, signOp, verifyOp } from './ops-crypto.ts';
import {
  cancelKeyDeletionOp,
  createAliasOp,
  createKeyOp,
  describeKeyOp,
  listAliasesOp,
  listKeysOp,
  scheduleKeyDeletionOp,
  setEnabledOp,
} from './ops-keys.ts';
import type { JsonObject } from './validate.ts';

type Operation = (input: JsonObject, ctx: OpContext) => JsonObject | Promise<JsonObject>;

export const OPERATIONS = {
  Sign: signOp,
  Verify: verifyOp,
  GetPublicKey: getPublicKeyOp,
  DescribeKey: describeKeyOp,
  ListKeys: listKeysOp,
  ListAliases: listAliasesOp,
  CreateKey: createKeyOp,
  CreateAlias: createAliasOp,
  DisableKey: setEnabledOp(false),
  EnableKey: setEnabledOp(true),
  ScheduleKeyDeletion: scheduleKeyDeletionOp,
  CancelKeyDeletion: cancelKeyDeletionOp,
} as const satisfies Record<string, Operation>;

export type KmsOperation = keyof typeof OPERATIONS;

const TARGET_PREFIX = 'TrentService.';

/** The operation an X-Amz-Target names, known or not; undefined without the header. */
export function operationOf(req: ReceivedRequest): string | undefined {
  const target = headerValue(req, 'x-amz-target');
  if (target === undefined) return undefined;
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
}

export interface KmsServiceContext {
  store: KeyStore;
  credentialFor(accessKeyId: string): KmsCredential | undefined;
  now: Date;
}

export async function kmsAnswer(req: ReceivedRequest, ctx: KmsServiceContext): Promise<string> {
  const caller = await authenticateKms(req, {
    region: ctx.store.region,
    credentialFor: ctx.credentialFor,
    now: ctx.now,
  });
  const target = headerValue(req, 'x-amz-target') ?? '';
  const name = target.slice(TARGET_PREFIX.length);
  if (
    req.method !== 'POST' ||
    !target.startsWith(TARGET_PREFIX) ||
    !Object.hasOwn(OPERATIONS, name)
  ) {
    throw new KmsError('UnknownOperationException');
  }
  const operation: Operation = OPERATIONS[name as KmsOperation];
  const principalArn = caller.arn ?? `arn:aws:iam::${ctx.store.account}:root`;
  const result = await operation(parseBody(req.body), {
    store: ctx.store,
    principalArn,
    now: ctx.now,
  });
  return JSON.stringify(result);
}

function parseBody(body: Buffer): JsonObject {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new KmsError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KmsError('SerializationException', 'Request body must be a JSON object');
  }
  return value as JsonObject;
}
