// Turns STS's answer into the caller's identity, after cross-checking it against itself and the
// endpoint it came from. Every field here comes from STS's answer or the validated host.
import { IdentityError } from '../errors.ts';
import type { StsHost } from '../sts/endpoints.ts';
import type { CallerIdentity } from '../sts/sts-answer.ts';
import { type ParsedArn, type PrincipalType, parseCallerArn } from './arn.ts';

export interface PrincipalRules {
  readonly allowRoot: boolean;
  readonly allowFederatedUsers: boolean;
  readonly allowServiceLinkedRoles: boolean;
}

export interface AwsPrincipal {
  /** Normalised principal: `arn:P:iam::A:role/R` for an assumed role (path-less), else the ARN as STS gave it. */
  readonly arn: string;
  /** The ARN exactly as STS returned it (the session ARN for assumed roles). */
  readonly sessionArn: string;
  readonly type: PrincipalType;
  readonly partition: ParsedArn['partition'];
  readonly account: string;
  readonly name: string;
  readonly sessionName?: string;
  /** Full `aws:userid` as STS returned it, e.g. `AROA…:session`. */
  readonly userId: string;
  /** The unique id alone (`AROA…`, `AIDA…`), stable across renames and re-creations. */
  readonly uniqueId: string;
}

const UNIQUE_ID = /^(AROA|AIDA)[A-Z0-9]{12,124}$/;

export function principalFromAnswer(
  answer: CallerIdentity,
  endpoint: StsHost,
  rules: PrincipalRules,
): AwsPrincipal {
  const arn = parseCallerArn(answer.arn);
  if (answer.account !== arn.account) {
    throw new IdentityError(
      'sts.identity_mismatch',
      `Account ${answer.account} vs ARN account ${arn.account}`,
    );
  }
  if (arn.partition !== endpoint.partition) {
    throw new IdentityError(
      'sts.identity_mismatch',
      `ARN partition ${arn.partition} from ${endpoint.host}`,
    );
  }
  const uniqueId = checkUserId(answer.userId, arn);
  switch (arn.type) {
    case 'Account':
      if (!rules.allowRoot) throw new IdentityError('identity.root_not_allowed');
      break;
    case 'FederatedUser':
      if (!rules.allowFederatedUsers)
        throw new IdentityError('identity.federated_user_not_allowed');
      break;
    case 'AssumedRole':
      // Service-linked roles live under /aws-service-role/ and are named AWSServiceRoleFor…; the
      // path is not in the session ARN, so the name is what we can check.
      if (!rules.allowServiceLinkedRoles && arn.name.startsWith('AWSServiceRoleFor')) {
        throw new IdentityError('identity.service_linked_role_not_allowed');
      }
      break;
    case 'User':
      break;
  }
  return {
    arn:
      arn.type === 'AssumedRole'
        ? `arn:${arn.partition}:iam::${arn.account}:role/${arn.name}`
        : answer.arn,
    sessionArn: answer.arn,
    type: arn.type,
    partition: arn.partition,
    account: arn.account,
    name: arn.name,
    sessionName: arn.session,
    userId: answer.userId,
    uniqueId,
  };
}

function checkUserId(userId: string, arn: ParsedArn): string {
  const mismatch = () =>
    new IdentityError('sts.identity_mismatch', `UserId does not fit a ${arn.type} ARN`);
  switch (arn.type) {
    case 'AssumedRole': {
      const colon = userId.indexOf(':');
      const unique = userId.slice(0, colon);
      if (colon < 0 || !unique.startsWith('AROA') || !UNIQUE_ID.test(unique)) throw mismatch();
      if (userId.slice(colon + 1) !== arn.session) throw mismatch();
      return unique;
    }
    case 'User':
      if (!userId.startsWith('AIDA') || !UNIQUE_ID.test(userId)) throw mismatch();
      return userId;
    case 'Account':
      if (userId !== arn.account) throw mismatch();
      return userId;
    case 'FederatedUser':
      if (userId !== `${arn.account}:${arn.name}`) throw mismatch();
      return userId;
  }
}
