// The ARNs the emulator answers to and hands out. Trust anchors, profiles and subjects get UUIDs
// derived from their names (RFC 9562 version 5, under a namespace of the emulator's own), so a
// test — or a `rolegate dev` configuration written down yesterday — can name an ARN before the
// emulator starts, and every run agrees on it.
import { createHash } from 'node:crypto';
import { PARTITION_INFO, PARTITIONS, type Partition } from '@rolegate/core';

export type RolesAnywhereResource = 'trust-anchor' | 'profile' | 'subject';

// A fixed random UUID: the namespace of every name-derived id of this emulator.
const NAMESPACE = Buffer.from('5f0c3a1e7b2d4c8e9a6f1d2b3c4e5a60', 'hex');

/** A version 5 UUID (SHA-1, RFC 9562 §5.5) of `kind/name`, lower-case. */
export function nameUuid(kind: RolesAnywhereResource, name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${kind}/${name}`, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The partition a region belongs to; regions no list knows yet are taken to be `aws`. */
export function partitionOf(region: string): Partition {
  return PARTITIONS.find((p) => PARTITION_INFO[p].regions.includes(region)) ?? 'aws';
}

export interface ArnScope {
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

/** `arn:<partition>:rolesanywhere:<region>:<account>:<kind>/<uuid of name>`. */
export function rolesAnywhereArn(
  scope: ArnScope,
  kind: RolesAnywhereResource,
  name: string,
): string {
  return `arn:${scope.partition}:rolesanywhere:${scope.region}:${scope.account}:${kind}/${nameUuid(kind, name)}`;
}

/** `arn:<partition>:iam::<account>:role/<name>` (no path: the emulator's roles have none). */
export function roleArnOf(scope: ArnScope, name: string): string {
  return `arn:${scope.partition}:iam::${scope.account}:role/${name}`;
}

/** The assumed-role session ARN STS names for a session of `role`. */
export function assumedRoleArnOf(scope: ArnScope, role: string, session: string): string {
  return `arn:${scope.partition}:sts::${scope.account}:assumed-role/${role}/${session}`;
}
