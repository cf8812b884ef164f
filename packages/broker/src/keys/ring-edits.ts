// The key-ring lifecycle as pure functions over keyring.json data, so that every transition is
// checked in one place and `rolegate keys` and tests share it.
import { RolegateError } from '@rolegate/core';
import type { RingEntry, RingFile } from './ring-file.ts';

export const KEY_RING_ERRORS = {
  'keys.invalid_transition': { status: 409, description: 'the key ring cannot make that change' },
} as const;

/** A key-ring change that the lifecycle does not allow (the message says which and why). */
export class KeyRingEditError extends RolegateError<'keys.invalid_transition'> {
  static override readonly registry = KEY_RING_ERRORS;

  constructor(message: string) {
    super('keys.invalid_transition', message);
  }
}

function find(ring: RingFile, kid: string): RingEntry {
  const matches = ring.keys.filter(
    (k) => k.kid === kid || (kid.length >= 8 && k.kid.startsWith(kid)),
  );
  if (matches.length !== 1)
    throw new KeyRingEditError(matches.length ? `kid prefix ${kid} is ambiguous` : `no key ${kid}`);
  return matches[0]!;
}

function replace(ring: RingFile, kid: string, change: (k: RingEntry) => RingEntry): RingFile {
  return { ...ring, keys: ring.keys.map((k) => (k.kid === kid ? change(k) : k)) };
}

/** Adds a new standby key (already written to `file`). */
export function addStandby(ring: RingFile, entry: Omit<RingEntry, 'status'>): RingFile {
  if (ring.keys.some((k) => k.kid === entry.kid))
    throw new KeyRingEditError(`key ${entry.kid} is already in the ring`);
  return { ...ring, keys: [...ring.keys, { ...entry, status: 'standby' }] };
}

/**
 * Makes a standby key active; the old active key starts retiring (still published until its
 * tokens expire). Verifiers already hold the standby key, so no verification fails.
 */
export function promote(ring: RingFile, kid: string, now: Date): RingFile {
  const target = find(ring, kid);
  if (target.status !== 'standby') {
    throw new KeyRingEditError(
      `only a standby key can be promoted; ${target.kid} is ${target.status}`,
    );
  }
  return {
    ...ring,
    keys: ring.keys.map((k) => {
      if (k.kid === target.kid) return { ...k, status: 'active' as const, retiredAt: undefined };
      if (k.status === 'active')
        return { ...k, status: 'retiring' as const, retiredAt: now.toISOString() };
      return k;
    }),
  };
}

/** Stops publishing a standby key once tokens could not be signed by it anyway (it never signed). */
export function retire(ring: RingFile, kid: string, now: Date): RingFile {
  const target = find(ring, kid);
  if (target.status === 'active')
    throw new KeyRingEditError('the active key cannot retire: promote another key first');
  if (target.status !== 'standby')
    throw new KeyRingEditError(`${target.kid} is already ${target.status}`);
  return replace(ring, target.kid, (k) => ({
    ...k,
    status: 'retiring',
    retiredAt: now.toISOString(),
  }));
}

/** Withdraws a key at once: tokens it signed stop verifying as soon as verifiers refresh. */
export function revoke(ring: RingFile, kid: string, now: Date): RingFile {
  const target = find(ring, kid);
  if (target.status === 'active') {
    throw new KeyRingEditError(
      'the active key cannot be revoked: promote a standby key first, then revoke this one',
    );
  }
  if (target.status === 'revoked') throw new KeyRingEditError(`${target.kid} is already revoked`);
  return replace(ring, target.kid, (k) => ({
    ...k,
    status: 'revoked',
    revokedAt: now.toISOString(),
  }));
}
