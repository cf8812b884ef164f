// The request's caller, classified once per request so that Principal / NotPrincipal entries
// compare plain strings. Roles are identified by partition, account and role name (role names are
// unique in an account whatever their path), so a policy naming `role/team/orders-api` matches a
// session `assumed-role/orders-api/…` and the broker's normalised `role/orders-api`.

import type { PolicyPrincipal } from '../types.ts';
import { splitArn } from './arn.ts';

export type PrincipalKind =
  | 'anonymous'
  | 'root'
  | 'role'
  | 'session'
  | 'user'
  | 'federated'
  | 'other'
  | 'account-only';

export interface PrincipalView {
  readonly kind: PrincipalKind;
  readonly arn: string | undefined;
  readonly account: string | undefined;
  readonly partition: string | undefined;
  /** `partition:account:roleName` for a role or a role session. */
  readonly roleKey: string | undefined;
  /** `partition:account:userName` for an IAM user. */
  readonly userKey: string | undefined;
}

export const ANONYMOUS: PrincipalView = view('anonymous', undefined, undefined, undefined);

function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function view(
  kind: PrincipalKind,
  arn: string | undefined,
  account: string | undefined,
  partition: string | undefined,
  roleKey?: string,
  userKey?: string,
): PrincipalView {
  // One object shape for every kind keeps the property reads monomorphic.
  return { kind, arn, account, partition, roleKey, userKey };
}

/** Classifies an ARN used as a principal (request side or policy side). */
export function classifyArn(arn: string): PrincipalView {
  const parts = splitArn(arn);
  if (parts === undefined) return view('other', arn, undefined, undefined);
  const { partition, service, account, resource } = parts;
  if (service === 'iam' && resource === 'root') return view('root', arn, account, partition);
  if (service === 'iam' && resource.startsWith('role/')) {
    const key = `${partition}:${account}:${lastName(resource)}`;
    return view('role', arn, account, partition, key);
  }
  if (service === 'iam' && resource.startsWith('user/')) {
    const key = `${partition}:${account}:${lastName(resource)}`;
    return view('user', arn, account, partition, undefined, key);
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const rest = resource.slice('assumed-role/'.length);
    const slash = rest.indexOf('/');
    const role = slash < 0 ? rest : rest.slice(0, slash);
    return view('session', arn, account, partition, `${partition}:${account}:${role}`);
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return view('federated', arn, account, partition);
  }
  return view('other', arn, account, partition);
}

// Callers repeat: classify each distinct ARN once. Bounded against unbounded growth.
const classified = new Map<string, PrincipalView>();

function classifyCached(arn: string): PrincipalView {
  let v = classified.get(arn);
  if (v === undefined) {
    v = classifyArn(arn);
    if (classified.size >= 4096) classified.clear();
    classified.set(arn, v);
  }
  return v;
}

export function viewPrincipal(principal: PolicyPrincipal | null | undefined): PrincipalView {
  if (principal === null || principal === undefined || principal.anonymous === true) {
    return ANONYMOUS;
  }
  const arn = typeof principal.arn === 'string' && principal.arn !== '' ? principal.arn : undefined;
  const account =
    typeof principal.account === 'string' && principal.account !== ''
      ? principal.account
      : undefined;
  if (arn === undefined) {
    return account === undefined ? ANONYMOUS : view('account-only', undefined, account, undefined);
  }
  const v = classifyCached(arn);
  // The ARN is what the broker verified; `account` only fills in when the ARN has none.
  return v.account === undefined || v.account === '' ? { ...v, account } : v;
}
