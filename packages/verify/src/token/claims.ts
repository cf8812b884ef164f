// Checks a verified token's claims in a fixed order — issuer, audience, time, subject, rolegate
// claim — and builds the principal. Runs only after the signature has been checked, so it reads
// data the broker wrote; the cross-checks (account and partition inside `sub`) are there to catch
// a broker bug or a foreign issuer sharing a key, not a forger.

import {
  type JsonValue,
  type Principal,
  principalFromClaims as principalOf,
  rolegateClaimProblem,
  type VerifiedClaims,
} from '@rolegate/core';
import { VerifyError } from '../errors.ts';

export interface ClaimRules {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  readonly clockToleranceSeconds: number;
}

type Obj = { readonly [k: string]: JsonValue };

const bad = (why: string) => new VerifyError('token.bad_claims', why);

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

/** Checks the claims of a token whose signature is good, and returns the caller. */
export function principalFromClaims(claims: Obj, rules: ClaimRules, nowSeconds: number): Principal {
  if (claims['iss'] !== rules.issuer) {
    throw new VerifyError('token.issuer_mismatch', `iss ${JSON.stringify(claims['iss'])}`);
  }
  checkAudience(claims['aud'], rules.audiences);
  checkTimes(claims, nowSeconds, rules.clockToleranceSeconds);
  const { sub, jti } = claims;
  if (typeof sub !== 'string' || !sub.startsWith('arn:')) throw bad('sub must be an ARN');
  if (jti !== undefined && typeof jti !== 'string') throw bad('jti must be a string');
  const problem = rolegateClaimProblem(claims['rolegate'], sub);
  if (problem !== undefined) throw bad(problem);
  // checkTimes has read `exp` as a finite number: the claims are a VerifiedClaims now.
  return principalOf(claims as unknown as VerifiedClaims);
}
