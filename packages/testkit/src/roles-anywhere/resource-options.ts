// One trust anchor, profile or role of the emulator's options: every problem with it pushed onto
// `problems` (each prefixed with its place, e.g. `profiles[1].durationSeconds`), and the frozen
// configuration the request path reads — anchors parsed, ARNs derived, trust policies compiled.
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { type ParsedCertificate, parseCertificate, parsePem } from '@rolegate/identity';
import { randomUniqueId } from '../sts/dev-identities.ts';
import { type ArnScope, roleArnOf, rolesAnywhereArn } from './arns.ts';
import { compileTrustPolicy, type TrustPolicy } from './trust-policy.ts';

export interface TrustAnchorConfig {
  readonly name: string;
  readonly arn: string;
  readonly certificates: readonly ParsedCertificate[];
  readonly enabled: boolean;
}

export interface ProfileConfig {
  readonly name: string;
  readonly arn: string;
  readonly roleArns: ReadonlySet<string>;
  readonly enabled: boolean;
  readonly durationSeconds: number;
  readonly acceptRoleSessionName: boolean;
}

export interface RoleConfig {
  readonly name: string;
  readonly arn: string;
  /** The role's unique id (`AROA…`), the first half of every session's assumedRoleId. */
  readonly uniqueId: string;
  readonly trustPolicy: TrustPolicy;
}

export type Fields = Record<string, unknown>;

// AWS's patterns for Roles Anywhere resource names and IAM role names.
const RESOURCE_NAME = /^[ a-zA-Z0-9_-]{1,255}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const NAME_RULE = 'must be 1-255 of letters, digits, space, _ and -';

export function trustAnchorConfig(
  f: Fields,
  where: string,
  scope: ArnScope,
  problems: string[],
): TrustAnchorConfig | undefined {
  known(f, where, ['name', 'certificatePem', 'enabled'], problems);
  const { name, certificatePem } = f;
  if (typeof name !== 'string' || !RESOURCE_NAME.test(name))
    problems.push(`${where}.name ${NAME_RULE}`);
  const enabled = optionalBoolean(f, 'enabled', where, problems, true);
  let certificates: ParsedCertificate[] = [];
  try {
    certificates = parsePem(String(certificatePem ?? ''), 'CERTIFICATE').map(parseCertificate);
  } catch (error) {
    problems.push(
      `${where}.certificatePem must hold PEM certificates: ${(error as Error).message}`,
    );
  }
  certificates.forEach((c, i) => {
    // AWS's rule for trust anchor certificates: basic constraints CA:true, key usage Certificate
    // Sign. A leaf pasted in as an anchor would otherwise vouch for itself.
    const usage = c.extensions.keyUsage?.flags ?? 0;
    if (!c.extensions.basicConstraints?.ca || (usage & KeyUsageFlags.keyCertSign) === 0)
      problems.push(`${where}.certificatePem[${i}] is not a CA with keyCertSign`);
  });
  if (typeof name !== 'string') return undefined;
  const arn = rolesAnywhereArn(scope, 'trust-anchor', name);
  return Object.freeze({ name, arn, certificates, enabled });
}

export function profileConfig(
  f: Fields,
  where: string,
  scope: ArnScope,
  roleArns: ReadonlySet<string | undefined>,
  problems: string[],
): ProfileConfig | undefined {
  const fields = ['name', 'roleArns', 'enabled', 'durationSeconds', 'acceptRoleSessionName'];
  known(f, where, fields, problems);
  const { name, durationSeconds = 3600 } = f;
  if (typeof name !== 'string' || !RESOURCE_NAME.test(name))
    problems.push(`${where}.name ${NAME_RULE}`);
  const arns: unknown[] = Array.isArray(f['roleArns']) ? f['roleArns'] : [];
  if (arns.length === 0) problems.push(`${where}.roleArns must be a non-empty array`);
  arns.forEach((arn, i) => {
    if (typeof arn !== 'string' || !roleArns.has(arn))
      problems.push(`${where}.roleArns[${i}] names no role of this emulator (see roleArn(name))`);
  });
  const duration = Number.isInteger(durationSeconds) ? (durationSeconds as number) : 0;
  if (duration < 900 || duration > 43_200)
    problems.push(`${where}.durationSeconds must be a whole number from 900 to 43200`);
  const enabled = optionalBoolean(f, 'enabled', where, problems, true);
  const acceptRoleSessionName = optionalBoolean(f, 'acceptRoleSessionName', where, problems, false);
  if (typeof name !== 'string') return undefined;
  return Object.freeze({
    name,
    arn: rolesAnywhereArn(scope, 'profile', name),
    roleArns: new Set(arns.filter((a): a is string => typeof a === 'string')),
    enabled,
    durationSeconds: duration,
    acceptRoleSessionName,
  });
}

export function roleConfig(
  f: Fields,
  where: string,
  scope: ArnScope,
  problems: string[],
): RoleConfig | undefined {
  known(f, where, ['name', 'trustPolicy'], problems);
  const { name } = f;
  if (typeof name !== 'string' || !ROLE_NAME.test(name))
    problems.push(`${where}.name must be an IAM role name`);
  const compiled = compileTrustPolicy(f['trustPolicy'], `${where}.trustPolicy`);
  problems.push(...compiled.problems);
  if (typeof name !== 'string' || compiled.policy === undefined) return undefined;
  return Object.freeze({
    name,
    arn: roleArnOf(scope, name),
    uniqueId: randomUniqueId('AROA'),
    trustPolicy: compiled.policy,
  });
}

function known(f: Fields, where: string, keys: readonly string[], problems: string[]): void {
  for (const key of Object.keys(f))
    if (!keys.includes(key)) problems.push(`${where}.${key} is not a known field`);
}

function optionalBoolean(
  f: Fields,
  key: string,
  where: string,
  problems: string[],
  fallback: boolean,
): boolean {
  const v = f[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') problems.push(`${where}.${key} must be a boolean`);
  return v === true;
}
