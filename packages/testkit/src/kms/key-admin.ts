// The emulator's own API over its keys, for tests and `rolegate dev`: create keys (fresh or from
// kept PEM), name them, change their state and flip the deny-Sign key policy — what an operator
// would do in the console. Misuse (an unknown key, a bad alias name) is a TypeError.
import type { KeyObject } from 'node:crypto';
import type { KmsKeySpec } from './key-specs.ts';
import {
  ALIAS_NAME,
  type KeyStore,
  type KmsKeyState,
  type SignDenial,
  type StoredKey,
} from './key-store.ts';

export interface KmsKeyOptions {
  /** A lower-case UUID; default a random one. */
  keyId?: string;
  /** Alias names (`alias/…`) pointing at the key. */
  aliases?: string[];
  description?: string;
  /** Existing key material (PEM) instead of a fresh key; must match the spec. */
  privateKeyPem?: string;
  /** Default Enabled. */
  state?: KmsKeyState;
  /** Refuse kms:Sign as a key policy would (true = 'no-allow'). Default false. */
  denySign?: boolean | SignDenial;
}

export interface KmsKeySeed extends KmsKeyOptions {
  keySpec: KmsKeySpec;
}

export interface KmsKeyInfo {
  keyId: string;
  arn: string;
  keySpec: KmsKeySpec;
  aliases: string[];
  state: KmsKeyState;
  /** What GetPublicKey returns, for tests that check a signer against the key independently. */
  publicKey: KeyObject;
}

export interface KeyAdmin {
  createKey(keySpec: KmsKeySpec, opts?: KmsKeyOptions): Promise<KmsKeyInfo>;
  /** Key by id, ARN, alias name or alias ARN; a TypeError if there is none. */
  describe(keyId: string): KmsKeyInfo;
  setKeyState(keyId: string, state: KmsKeyState): void;
  /** Refuse (or, with false, allow again) kms:Sign on this key, as its key policy would. */
  denySign(keyId: string, deny?: boolean | SignDenial): void;
}

// What ScheduleKeyDeletion uses when no window is given.
const PENDING_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function keyAdmin(store: KeyStore, clock: () => Date): KeyAdmin {
  const info = (key: StoredKey): KmsKeyInfo => ({
    keyId: key.keyId,
    arn: key.arn,
    keySpec: key.keySpec,
    aliases: store.aliasesOf(key),
    state: key.state,
    publicKey: key.publicKey,
  });
  const setKeyState = (keyId: string, state: KmsKeyState): void => {
    const key = store.lookup(keyId);
    key.state = state;
    if (state === 'PendingDeletion') {
      key.pendingWindowInDays = PENDING_WINDOW_DAYS;
      key.deletionDate = new Date(clock().getTime() + PENDING_WINDOW_DAYS * DAY_MS);
    } else {
      delete key.deletionDate;
      delete key.pendingWindowInDays;
    }
  };
  const denySign = (keyId: string, deny: boolean | SignDenial = true): void => {
    const key = store.lookup(keyId);
    if (deny === false) delete key.signDenial;
    else key.signDenial = deny === true ? 'no-allow' : deny;
  };
  const createKey = async (keySpec: KmsKeySpec, o: KmsKeyOptions = {}): Promise<KmsKeyInfo> => {
    const aliases = o.aliases ?? [];
    for (const alias of aliases) {
      if (!ALIAS_NAME.test(alias) || alias.startsWith('alias/aws/')) {
        throw new TypeError(`not a customer alias name: ${alias}`);
      }
      if (store.aliases().some((a) => a.aliasName === alias)) {
        throw new TypeError(`alias ${alias} already exists`);
      }
    }
    const key = await store.create({ ...o, keySpec });
    for (const alias of aliases) store.addAlias(alias, key);
    if (o.state !== undefined) setKeyState(key.keyId, o.state);
    if (o.denySign) denySign(key.keyId, o.denySign);
    return info(key);
  };
  return { createKey, describe: (keyId) => info(store.lookup(keyId)), setKeyState, denySign };
}
