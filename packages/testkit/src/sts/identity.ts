// The identities the STS emulator knows, and their validation. The same rules serve an identities
// file (bad input → TestkitError) and identities passed in code (misuse → TypeError), so a typo is
// caught the same way wherever it comes from.
import { readFileSync } from 'node:fs';
import { TestkitError } from '../errors.ts';

export interface StsIdentity {
  /** Human label, e.g. "orders". */
  name: string;
  /** `AKIA…` (long-term) or `ASIA…` (temporary, needs `sessionToken`). */
  accessKeyId: string;
  secretAccessKey: string;
  /** Required for ASIA keys; must then be sent as X-Amz-Security-Token. */
  sessionToken?: string;
  /** ISO time; a request after it is answered ExpiredToken. */
  sessionExpiration?: string;
  /** What GetCallerIdentity answers. */
  arn: string;
  userId: string;
  account: string;
}

const FIELDS = new Set([
  'name',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'sessionExpiration',
  'arn',
  'userId',
  'account',
]);

// AWS documents access key ids as 16–128 word characters; real ones are upper case and digits.
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const ACCOUNT = /^\d{12}$/;
// arn:partition:service:region:account:resource — IAM and STS ARNs have an empty region.
const IDENTITY_ARN = /^arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)$/;

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Every problem with one identity, each prefixed with `where` (e.g. `identities[2]`). */
export function identityProblems(value: unknown, where: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${where} must be an object`];
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key)) problems.push(`${where}.${key} is not a known field`);
  }
  for (const key of ['name', 'secretAccessKey', 'userId'] as const) {
    if (!nonEmptyString(record[key])) problems.push(`${where}.${key} must be a non-empty string`);
  }
  const { accessKeyId, sessionToken, sessionExpiration, arn, account } = record;
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) {
    problems.push(`${where}.accessKeyId must be 16-128 characters of A-Z and 0-9`);
  } else if (accessKeyId.startsWith('ASIA') && sessionToken === undefined) {
    problems.push(`${where}.sessionToken is required for a temporary (ASIA…) access key id`);
  }
  if (sessionToken !== undefined && !nonEmptyString(sessionToken)) {
    problems.push(`${where}.sessionToken must be a non-empty string when present`);
  }
  if (
    sessionExpiration !== undefined &&
    (typeof sessionExpiration !== 'string' || Number.isNaN(Date.parse(sessionExpiration)))
  ) {
    problems.push(`${where}.sessionExpiration must be an ISO date-time string when present`);
  }
  if (typeof account !== 'string' || !ACCOUNT.test(account)) {
    problems.push(`${where}.account must be 12 digits`);
  }
  const arnMatch = typeof arn === 'string' ? IDENTITY_ARN.exec(arn) : null;
  if (!arnMatch) {
    problems.push(`${where}.arn must look like arn:<partition>:iam|sts::<12 digits>:<resource>`);
  } else if (typeof account === 'string' && arnMatch[3] !== account) {
    problems.push(`${where}.arn names account ${arnMatch[3]} but account is ${account}`);
  }
  return problems;
}

/** Validates identities passed in code; misuse is a TypeError. Returns frozen copies. */
export function checkIdentities(values: readonly unknown[], where: string): StsIdentity[] {
  const problems = values.flatMap((value, i) => identityProblems(value, `${where}[${i}]`));
  problems.push(...duplicateKeyProblems(values, where));
  if (problems.length > 0)
    throw new TypeError(`invalid STS identities:\n  ${problems.join('\n  ')}`);
  return values.map((value) => Object.freeze({ ...(value as StsIdentity) }));
}

function duplicateKeyProblems(values: readonly unknown[], where: string): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  values.forEach((value, i) => {
    const id = (value as { accessKeyId?: unknown } | null)?.accessKeyId;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else problems.push(`${where}[${i}].accessKeyId repeats ${where}[${first}].accessKeyId`);
  });
  return problems;
}

/**
 * Reads `{"identities": [StsIdentity, …]}` from a JSON file. Every problem is reported at once,
 * each with its place in the file, as a TestkitError with a stable code.
 */
export function loadIdentitiesFile(path: string): StsIdentity[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TestkitError('identities.unreadable', `cannot read identities file ${path}`, {
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    throw new TestkitError('identities.not_json', `identities file ${path} is not JSON${detail}`, {
      cause,
    });
  }
  const problems = fileProblems(parsed);
  if (problems.length > 0) {
    throw new TestkitError(
      'identities.invalid',
      `identities file ${path} is invalid:\n  ${problems.join('\n  ')}`,
    );
  }
  const list = (parsed as { identities: unknown[] }).identities;
  return list.map((value) => Object.freeze({ ...(value as StsIdentity) }));
}

function fileProblems(parsed: unknown): string[] {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return ['the top level must be an object {"identities": [...]}'];
  }
  const root = parsed as Record<string, unknown>;
  const problems = Object.keys(root)
    .filter((key) => key !== 'identities')
    .map((key) => `${key} is not a known top-level field`);
  const list = root['identities'];
  if (!Array.isArray(list)) return [...problems, 'identities must be an array'];
  if (list.length === 0) problems.push('identities must not be empty');
  problems.push(...list.flatMap((value, i) => identityProblems(value, `identities[${i}]`)));
  problems.push(...duplicateKeyProblems(list, 'identities'));
  return problems;
}
