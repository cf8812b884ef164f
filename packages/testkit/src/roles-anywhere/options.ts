// The Roles Anywhere emulator's options, checked when it starts: every problem at once in one
// TypeError (as the STS emulator's identities are), then frozen into the configuration the
// request path reads (resource-options.ts checks each trust anchor, profile and role).
import { isIP } from 'node:net';

import type { StsEmulator } from '../sts/emulator.ts';
import { type ArnScope, partitionOf } from './arns.ts';
import {
  type Fields,
  type ProfileConfig,
  profileConfig,
  type RoleConfig,
  roleConfig,
  type TrustAnchorConfig,
  trustAnchorConfig,
} from './resource-options.ts';

export interface RolesAnywhereTrustAnchorOptions {
  name: string;
  /** One or more CA certificates, PEM (a CERTIFICATE_BUNDLE trust anchor). */
  certificatePem: string;
  /** Default true. */
  enabled?: boolean;
}

export interface RolesAnywhereProfileOptions {
  name: string;
  /** Roles a session of this profile may be for; each must be one of `roles`. */
  roleArns: string[];
  /** Default true. */
  enabled?: boolean;
  /** The longest session this profile gives, 900–43200. Default 3600, as AWS's. */
  durationSeconds?: number;
  /** Whether a request may name its session (`roleSessionName`). Default false. */
  acceptRoleSessionName?: boolean;
}

export interface RolesAnywhereRoleOptions {
  /** The role name; its ARN is `arn:aws:iam::<account>:role/<name>`. */
  name: string;
  /** The IAM trust policy (AssumeRolePolicyDocument), as JSON text or as an object. */
  trustPolicy: string | object;
}

export interface RolesAnywhereEmulatorOptions {
  /** Sessions become identities of this STS emulator (its addIdentity). */
  sts: Pick<StsEmulator, 'addIdentity'>;
  /** Default DEFAULT_DEV_ACCOUNT (111122223333). */
  account?: string;
  /** Default 'us-east-1': the credential scope must name it. */
  region?: string;
  trustAnchors: RolesAnywhereTrustAnchorOptions[];
  profiles: RolesAnywhereProfileOptions[];
  roles: RolesAnywhereRoleOptions[];
  /** The emulator's clock: X-Amz-Date window, certificate validity, session expiry. */
  clock?: () => Date;
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with a fresh test CA; its certificate is then `caPem`. */
  tls?: boolean;
}

export interface RolesAnywhereConfig extends ArnScope {
  readonly trustAnchors: ReadonlyMap<string, TrustAnchorConfig>;
  readonly profiles: ReadonlyMap<string, ProfileConfig>;
  /** By ARN. */
  readonly roles: ReadonlyMap<string, RoleConfig>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TOP_LEVEL = new Set([
  'sts',
  'account',
  'region',
  'trustAnchors',
  'profiles',
  'roles',
  'clock',
  'listenHost',
  'port',
  'tls',
]);

export function checkOptions(
  opts: RolesAnywhereEmulatorOptions,
  defaultAccount: string,
): RolesAnywhereConfig {
  const problems: string[] = [];
  if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
  const o = opts as unknown as Fields;
  for (const key of Object.keys(o))
    if (!TOP_LEVEL.has(key)) problems.push(`${key} is not an option`);
  if (typeof (o['sts'] as Fields | undefined)?.['addIdentity'] !== 'function')
    problems.push('sts must be an STS emulator (with addIdentity)');
  const account = o['account'] ?? defaultAccount;
  if (typeof account !== 'string' || !/^\d{12}$/.test(account))
    problems.push('account must be 12 digits');
  const region = o['region'] ?? 'us-east-1';
  if (typeof region !== 'string' || !REGION.test(region))
    problems.push('region must look like us-east-1');
  checkServerOptions(o, problems);
  const scope: ArnScope = {
    partition: partitionOf(String(region)),
    region: String(region),
    account: String(account),
  };
  const roles = listOf(o, 'roles', problems).map((r, i) =>
    roleConfig(r, `roles[${i}]`, scope, problems),
  );
  const roleArns = new Set(roles.map((r) => r?.arn));
  const anchors = listOf(o, 'trustAnchors', problems).map((a, i) =>
    trustAnchorConfig(a, `trustAnchors[${i}]`, scope, problems),
  );
  const profiles = listOf(o, 'profiles', problems).map((p, i) =>
    profileConfig(p, `profiles[${i}]`, scope, roleArns, problems),
  );
  unique(anchors, 'trustAnchors', problems);
  unique(profiles, 'profiles', problems);
  unique(roles, 'roles', problems);
  if (problems.length > 0)
    throw new TypeError(`invalid Roles Anywhere emulator options:\n  ${problems.join('\n  ')}`);
  return Object.freeze({
    ...scope,
    trustAnchors: byName(anchors as TrustAnchorConfig[]),
    profiles: byName(profiles as ProfileConfig[]),
    roles: new Map((roles as RoleConfig[]).map((r) => [r.arn, r])),
  });
}

function checkServerOptions(o: Fields, problems: string[]): void {
  if (o['clock'] !== undefined && typeof o['clock'] !== 'function')
    problems.push('clock must be a function');
  const host = o['listenHost'];
  if (
    host !== undefined &&
    (typeof host !== 'string' || (isIP(host) === 0 && host !== 'localhost'))
  )
    problems.push('listenHost must be an IP address or localhost');
  const port = o['port'];
  if (
    port !== undefined &&
    (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
  )
    problems.push('port must be an integer from 0 to 65535');
  if (o['tls'] !== undefined && typeof o['tls'] !== 'boolean')
    problems.push('tls must be a boolean');
}

function listOf(o: Fields, key: string, problems: string[]): Fields[] {
  const list = o[key];
  if (!Array.isArray(list)) {
    problems.push(`${key} must be an array`);
    return [];
  }
  return list.map((item, i) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) return item as Fields;
    problems.push(`${key}[${i}] must be an object`);
    return {};
  });
}

function unique(
  list: readonly ({ name: string } | undefined)[],
  where: string,
  problems: string[],
): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    if (item === undefined) return;
    const first = seen.get(item.name);
    if (first === undefined) seen.set(item.name, i);
    else problems.push(`${where}[${i}].name repeats ${where}[${first}].name`);
  });
}

function byName<T extends { name: string }>(list: readonly T[]): ReadonlyMap<string, T> {
  return new Map(list.map((item) => [item.name, item]));
}
