// Checks a verified token's claims in a fixed order — issuer, audience, time, subject, rolegate
// claim — and builds the principal. Runs only after the signature has been checked, so it reads
// data the broker wrote; the cross-checks (account and partition inside `sub`) are there to catch
// a broker bug or a foreign issuer sharing a key, not a forger.

import type { JsonValue } from '@rolegate/policy';
import { VerifyError } from '../errors.ts';
import type {
  AuthMethod,
  Principal,
  PrincipalType,
  RolegateClaimV1,
  VerifiedClaims,
} from './principal.ts';

export interface ClaimRules {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  readonly clockToleranceSeconds: number;
}

type Obj = { readonly [k: string]: JsonValue };

const METHODS: readonly AuthMethod[] = ['aws-sts', 'x509', 'jwt-svid'];
const TYPES: readonly PrincipalType[] = ['AssumedRole', 'User', 'FederatedUser', 'Account'];
const ACCOUNT = /^\d{12}$/;

const bad = (why: string) => new VerifyError('token.bad_claims', why);

function isObject(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkAudience(aud: JsonValue | undefined, audiences: ReadonlySet<string>): void {
  if (typeof aud === 'string') {
    if (audiences.has(aud)) return;
  } else if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')) {
    if (aud.some((a) => audiences.has(a as string))) return;
  } else {
    throw bad('aud must be a string or a non-empty array of strings');
  }
  throw new VerifyError('token.audience_mismatch', `aud ${JSON.stringify(aud)}`);
}

function checkTimes(claims: Obj, nowSeconds: number, tolerance: number): number {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw bad('exp must be a number');
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) {
    throw bad('nbf must be a number');
  }
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) {
    throw bad('iat must be a number');
  }
  if (nowSeconds >= exp + tolerance) throw new VerifyError('token.expired', `exp ${exp}`);
  // A token issued in the future is as wrong as one not valid yet: the broker sets both to now.
  if (nbf !== undefined && nbf > nowSeconds + tolerance) {
    throw new VerifyError('token.not_yet_valid', `nbf ${nbf}`);
  }
  if (iat !== undefined && iat > nowSeconds + tolerance) {
    throw new VerifyError('token.not_yet_valid', `iat ${iat}`);
  }
  return exp;
}

function readTags(tags: JsonValue | undefined): Readonly<Record<string, string>> {
  if (!isObject(tags)) throw bad('rolegate.tags must be an object');
  for (const key in tags) {
    if (typeof tags[key] !== 'string') throw bad('rolegate.tags values must be strings');
  }
  return tags as Readonly<Record<string, string>>;
}

function readRolegate(rg: JsonValue | undefined, sub: string): RolegateClaimV1 {
  if (!isObject(rg)) throw bad('the rolegate claim is missing');
  const { v, method, principal_type, account, partition, session_arn, session_name, user_id } = rg;
  if (v !== 1) throw bad('rolegate.v must be 1');
  if (!METHODS.includes(method as AuthMethod)) throw bad('rolegate.method is unknown');
  if (!TYPES.includes(principal_type as PrincipalType)) throw bad('rolegate.principal_type');
  if (typeof account !== 'string' || !ACCOUNT.test(account)) throw bad('rolegate.account');
  if (typeof partition !== 'string' || partition === '') throw bad('rolegate.partition');
  // `sub` is `arn:<partition>:<service>::<account>:<resource>`: both must agree with the claim.
  const prefix = `arn:${partition}:`;
  const at = sub.indexOf(':', prefix.length) + 2; // past `<service>::`
  if (
    !sub.startsWith(prefix) ||
    sub.charCodeAt(at - 1) !== 0x3a ||
    !sub.startsWith(account, at) ||
    sub.charCodeAt(at + 12) !== 0x3a
  ) {
    throw bad('sub does not match rolegate.account / rolegate.partition');
  }
  if (typeof session_arn !== 'string' || !session_arn.startsWith(prefix)) {
    throw bad('rolegate.session_arn');
  }
  if (session_name !== undefined && typeof session_name !== 'string') {
    throw bad('rolegate.session_name');
  }
  if (typeof user_id !== 'string' || user_id === '') throw bad('rolegate.user_id');
  if (rg['source_identity'] !== undefined && typeof rg['source_identity'] !== 'string') {
    throw bad('rolegate.source_identity');
  }
  readTags(rg['tags']);
  return rg as unknown as RolegateClaimV1;
}

/** Checks the claims of a token whose signature is good, and returns the caller. */
export function principalFromClaims(claims: Obj, rules: ClaimRules, nowSeconds: number): Principal {
  if (claims['iss'] !== rules.issuer) {
    throw new VerifyError('token.issuer_mismatch', `iss ${JSON.stringify(claims['iss'])}`);
  }
  checkAudience(claims['aud'], rules.audiences);
  const exp = checkTimes(claims, nowSeconds, rules.clockToleranceSeconds);
  const { sub, jti } = claims;
  if (typeof sub !== 'string' || !sub.startsWith('arn:')) throw bad('sub must be an ARN');
  if (jti !== undefined && typeof jti !== 'string') throw bad('jti must be a string');
  const rg = readRolegate(claims['rolegate'], sub);
  // Principals are shared by every request that presents the same token (the token cache): no
  // handler may change what the next one sees.
  const verified = deepFreeze(claims) as unknown as VerifiedClaims;
  return Object.freeze({
    arn: sub,
    account: rg.account,
    partition: rg.partition,
    type: rg.principal_type,
    sessionArn: rg.session_arn,
    sessionName: rg.session_name,
    userId: rg.user_id,
    tags: rg.tags,
    method: rg.method,
    sourceIdentity: rg.source_identity,
    issuer: verified.iss,
    audience: verified.aud,
    expiresAt: exp,
    tokenId: jti,
    claims: verified,
  });
}

function deepFreeze(value: JsonValue): JsonValue {
  if (typeof value === 'object' && value !== null) {
    for (const k in value) deepFreeze((value as Record<string, JsonValue>)[k]!);
    Object.freeze(value);
  }
  return value;
}
