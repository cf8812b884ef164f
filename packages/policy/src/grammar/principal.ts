// Principal / NotPrincipal. rolegate has no identity side, so an account entry (`123456789012`
// or `arn:aws:iam::123456789012:root`) means every principal of that account, a role ARN every
// session of the role, a session ARN that session. Partial wildcards are rejected at load, as AWS
// rejects them: a pattern there would silently grant more than the author meant.
//
// NotPrincipal follows AWS: a caller is exempt only when every entity of its chain is listed —
// the account, then the role and the session for a role session (or the user) — so listing an
// account exempts only the account entity itself, not its principals. It is accepted in Deny
// statements only (see grammar/document.ts), as AWS supports it.

import { childPath } from '@rolegate/core';
import type { RequestEnv } from '../compile/env.ts';
import { isAccountId } from '../match/arn.ts';
import { classifyArn, type PrincipalView } from '../match/principal-view.ts';
import type { JsonValue } from '../types.ts';
import { type Issues, isObject, readStrings } from './issues.ts';

const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

/** The entries of a Principal element, grouped for set lookups. */
export interface PrincipalSet {
  everyone: boolean;
  readonly accounts: Set<string>;
  readonly roles: Set<string>;
  readonly users: Set<string>;
  readonly arns: Set<string>;
}

function addAwsEntry(set: PrincipalSet, text: string, path: string, issues: Issues): void {
  if (text === '*') {
    set.everyone = true;
    return;
  }
  if (text.includes('*') || text.includes('?')) {
    issues.add(path, 'principal.partial_wildcard', 'wildcards may not match part of a principal');
    return;
  }
  if (text.includes('${')) {
    issues.add(path, 'variable.not_allowed', 'policy variables are not allowed in Principal');
    return;
  }
  if (isAccountId(text)) {
    set.accounts.add(text);
    return;
  }
  const view = classifyArn(text);
  if (view.account === undefined || !isAccountId(view.account)) {
    issues.add(path, 'principal.format', `"${text}" is not an account id or principal ARN`);
    return;
  }
  if (view.kind === 'root') set.accounts.add(view.account);
  else if (view.kind === 'role' && view.roleKey !== undefined) set.roles.add(view.roleKey);
  else if (view.kind === 'user' && view.userKey !== undefined) set.users.add(view.userKey);
  else set.arns.add(text);
}

/** Parses `"*"` or `{"AWS": …, "Service": …}`; service/federated principals never call rolegate. */
export function parsePrincipal(value: JsonValue, path: string, issues: Issues): PrincipalSet {
  const set: PrincipalSet = {
    everyone: false,
    accounts: new Set(),
    roles: new Set(),
    users: new Set(),
    arns: new Set(),
  };
  if (value === '*') {
    set.everyone = true;
    return set;
  }
  if (!isObject(value)) {
    issues.add(path, 'value.type', 'expected "*" or an object such as {"AWS": […]}');
    return set;
  }
  const types = Object.keys(value);
  if (types.length === 0) issues.add(path, 'value.empty', 'a principal object needs an entry');
  for (const type of types) {
    const at = childPath(path, type);
    if (!PRINCIPAL_TYPES.has(type)) {
      issues.add(at, 'principal.unknown_type', `unknown principal type "${type}"`);
      continue;
    }
    const entries = readStrings(value[type]!, at, issues);
    if (type === 'AWS') for (const e of entries) addAwsEntry(set, e.text, e.path, issues);
    else checkOtherEntries(entries, issues);
  }
  return set;
}

function checkOtherEntries(
  entries: readonly { text: string; path: string }[],
  issues: Issues,
): void {
  for (const e of entries) {
    if (e.text !== '*' && (e.text.includes('*') || e.text.includes('?'))) {
      issues.add(
        e.path,
        'principal.partial_wildcard',
        'wildcards may not match part of a principal',
      );
    }
  }
}

/** Principal: does any entry cover the caller? */
export function principalMatches(set: PrincipalSet, view: PrincipalView): boolean {
  if (set.everyone) return true;
  if (view.kind === 'anonymous') return false;
  if (view.account !== undefined && set.accounts.has(view.account)) return true;
  if (view.roleKey !== undefined && set.roles.has(view.roleKey)) return true;
  if (view.userKey !== undefined && set.users.has(view.userKey)) return true;
  return view.arn !== undefined && set.arns.has(view.arn);
}

/** NotPrincipal: is every entity of the caller's chain listed? */
export function principalExempt(set: PrincipalSet, view: PrincipalView): boolean {
  if (set.everyone) return true;
  switch (view.kind) {
    case 'anonymous':
    case 'account-only':
      return false;
    case 'root':
      return view.account !== undefined && set.accounts.has(view.account);
    default: {
      if (view.account === undefined || !set.accounts.has(view.account)) return false;
      if (view.kind === 'role') return set.roles.has(view.roleKey!);
      if (view.kind === 'session') return set.roles.has(view.roleKey!) && set.arns.has(view.arn!);
      if (view.kind === 'user') return set.users.has(view.userKey!);
      return view.arn !== undefined && set.arns.has(view.arn);
    }
  }
}

export function compilePrincipal(
  set: PrincipalSet,
  negated: boolean,
): (env: RequestEnv) => boolean {
  if (set.everyone) return () => !negated;
  return negated
    ? (env) => !principalExempt(set, env.principal)
    : (env) => principalMatches(set, env.principal);
}
