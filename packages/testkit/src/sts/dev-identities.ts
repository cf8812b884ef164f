// Fresh random identities for `rolegate dev` and tests, in the formats real AWS uses, so that code
// which checks shapes (AKID length, unique-id prefixes, session tokens with `+`, `/`, `=` that need
// URL encoding) meets them here first.
import { randomBytes, randomInt } from 'node:crypto';
import type { StsIdentity } from './identity.ts';

export const DEFAULT_DEV_ACCOUNT = '111122223333';

// Access key ids and unique ids use base32 letters and digits, like AWS's own.
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `AKIA`/`ASIA` + 16 characters: 20 in all. */
export function randomAccessKeyId(kind: 'long-term' | 'temporary'): string {
  return (kind === 'long-term' ? 'AKIA' : 'ASIA') + randomString(ID_ALPHABET, 16);
}

/** 40 characters, as real secret access keys. */
export function randomSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, 40);
}

/** A unique id such as `AROA…` (role) or `AIDA…` (user): prefix + 17 characters. */
export function randomUniqueId(prefix: 'AROA' | 'AIDA'): string {
  return prefix + randomString(ID_ALPHABET, 17);
}

/** Opaque base64, starting like real v2 session tokens (`IQoJb3JpZ2luX2Vj`). */
export function randomSessionToken(): string {
  return `IQoJb3JpZ2luX2Vj${randomBytes(240).toString('base64')}`;
}

/** An assumed-role session `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
export function roleSessionIdentity(account: string, role: string, session = role): StsIdentity {
  return {
    name: role,
    accessKeyId: randomAccessKeyId('temporary'),
    secretAccessKey: randomSecretAccessKey(),
    sessionToken: randomSessionToken(),
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    userId: `${randomUniqueId('AROA')}:${session}`,
    account,
  };
}

/** An IAM user `arn:aws:iam::<account>:user/<name>` with a long-term key. */
export function iamUserIdentity(account: string, user: string): StsIdentity {
  return {
    name: user,
    accessKeyId: randomAccessKeyId('long-term'),
    secretAccessKey: randomSecretAccessKey(),
    arn: `arn:aws:iam::${account}:user/${user}`,
    userId: randomUniqueId('AIDA'),
    account,
  };
}

/**
 * Role sessions "orders" and "reviews" and the IAM user "alice", all with new random keys.
 * The sessions have no expiry: `rolegate dev` may run for days.
 */
export function createDevIdentities(opts: { account?: string } = {}): StsIdentity[] {
  const account = opts.account ?? DEFAULT_DEV_ACCOUNT;
  if (!/^\d{12}$/.test(account)) {
    throw new TypeError(`account must be 12 digits, got ${JSON.stringify(account)}`);
  }
  return [
    roleSessionIdentity(account, 'orders'),
    roleSessionIdentity(account, 'reviews'),
    iamUserIdentity(account, 'alice'),
  ];
}
