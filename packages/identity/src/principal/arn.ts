// Parses the ARN that STS answered into its parts, for the principal forms GetCallerIdentity can
// return. The partition is kept as given and never rewritten; anything unrecognised is refused.

import type { PrincipalType } from '@rolegate/core';
import { isPartition, type Partition } from '@rolegate/core';
import { IdentityError } from '../errors.ts';

export type { PrincipalType };

export interface ParsedArn {
  readonly partition: Partition;
  readonly account: string;
  readonly type: PrincipalType;
  /** Role, user or federated user name; the account id for root. */
  readonly name: string;
  /** IAM path of a user (`/` when none). Unknown for roles: GetCallerIdentity never returns it. */
  readonly path?: string;
  /** Session name of an assumed role. */
  readonly session?: string;
}

// IAM's own character sets: names [\w+=,.@-], role session names the same (2..64).
const NAME = /^[\w+=,.@-]{1,64}$/;
const SESSION = /^[\w+=,.@-]{2,64}$/;
const FEDERATED_NAME = /^[\w+=,.@-]{2,32}$/;
const PATH_SEGMENT = /^[\x21-\x2e\x30-\x7e]+$/;
const ACCOUNT = /^\d{12}$/;

export function parseCallerArn(arn: string): ParsedArn {
  const fields = arn.split(':');
  if (fields.length !== 6) throw bad(`ARN has ${fields.length} fields`);
  const [prefix, partition, service, region, account, resource] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (prefix !== 'arn' || !isPartition(partition)) throw bad('ARN prefix or partition');
  if (region !== '' || !ACCOUNT.test(account)) throw bad('ARN region or account');
  if (service === 'iam' && resource === 'root') {
    return { partition, account, type: 'Account', name: account };
  }
  if (service === 'iam' && resource.startsWith('user/')) {
    const parts = resource.split('/');
    const name = parts.at(-1)!;
    const pathParts = parts.slice(1, -1);
    if (!NAME.test(name) || !pathParts.every((p) => PATH_SEGMENT.test(p)))
      throw bad('user name or path');
    const path = pathParts.length === 0 ? '/' : `/${pathParts.join('/')}/`;
    return { partition, account, type: 'User', name, path };
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const parts = resource.split('/');
    if (parts.length !== 3) throw bad('assumed-role ARN shape');
    const [, role, session] = parts as [string, string, string];
    if (!NAME.test(role) || !SESSION.test(session)) throw bad('role or session name');
    return { partition, account, type: 'AssumedRole', name: role, session };
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    const parts = resource.split('/');
    if (parts.length !== 2 || !FEDERATED_NAME.test(parts[1]!)) throw bad('federated user name');
    return { partition, account, type: 'FederatedUser', name: parts[1]! };
  }
  throw new IdentityError(
    'identity.unsupported_principal',
    `principal ${service}:${resource.split('/')[0]}`,
  );
}

function bad(detail: string): IdentityError {
  return new IdentityError('sts.bad_response', `ARN from STS: ${detail}`);
}
