// The claims of a rolegate token (DESIGN.md, "Token claims") and the caller they name, declared
// once for both sides: the broker builds the `rolegate` claim with buildRolegateClaim, a verifier
// checks it with rolegateClaimProblem and turns verified claims into a Principal with
// principalFromClaims — and the gateway, whose STS-proof and certificate callers come without a
// token, builds the same claims and the same Principal, so one authorizer serves every caller.
// Every field comes from what STS answered or what the certificate says, except `aud`, which the
// caller asked for and the broker's login policy approved.

/** How the caller proved its identity to the broker (`rolegate.method`). */
export type AuthMethod = 'aws-sts' | 'x509' | 'jwt-svid';

/** IAM's principal types (`rolegate.principal_type`, the value of `aws:PrincipalType`). */
export type PrincipalType = 'AssumedRole' | 'User' | 'FederatedUser' | 'Account';

export const AUTH_METHODS: readonly AuthMethod[] = ['aws-sts', 'x509', 'jwt-svid'];
export const PRINCIPAL_TYPES: readonly PrincipalType[] = [
  'AssumedRole',
  'User',
  'FederatedUser',
  'Account',
];

/** The `rolegate` claim, version 1. */
export interface RolegateClaimV1 {
  readonly v: 1;
  readonly method: AuthMethod;
  readonly principal_type: PrincipalType;
  readonly account: string;
  readonly partition: string;
  readonly session_arn: string;
  readonly session_name?: string;
  readonly user_id: string;
  readonly tags: Readonly<Record<string, string>>;
  /** X.509 logins: `sts:SourceIdentity` as Roles Anywhere derives it from the certificate. */
  readonly source_identity?: string;
}

/** What the broker signs. */
export interface TokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  readonly rolegate: RolegateClaimV1;
}

/** The claims of a verified rolegate token; other registered or private claims are kept as read. */
export interface VerifiedClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly jti?: string;
  readonly rolegate: RolegateClaimV1;
  readonly [claim: string]: unknown;
}

/** The verified caller, as a service sees it. Nothing here comes from the HTTP request. */
export interface Principal {
  /** `sub`: the normalised principal ARN — `arn:aws:iam::A:role/NAME` for any session of a role. */
  readonly arn: string;
  /** `rolegate.account`: the 12-digit account id (checked to be the account of `arn`). */
  readonly account: string;
  /** `rolegate.partition`: `aws`, `aws-cn`, `aws-us-gov`… (checked to be the partition of `arn`). */
  readonly partition: string;
  /** `rolegate.principal_type`. */
  readonly type: PrincipalType;
  /** `rolegate.session_arn`: the ARN exactly as STS returned it (`…:assumed-role/NAME/SESSION`). */
  readonly sessionArn: string;
  /**
   * `rolegate.session_name`: the role session name. The caller chose it when assuming the role,
   * so it names nothing the caller could not pick; never authorize on it alone.
   */
  readonly sessionName: string | undefined;
  /** `rolegate.user_id`: `aws:userid` as STS returned it, e.g. `AROA…:session`. */
  readonly userId: string;
  /** `rolegate.tags`: principal tags (`aws:PrincipalTag/<key>`), e.g. `x509SAN/URI` for X.509. */
  readonly tags: Readonly<Record<string, string>>;
  /** `rolegate.method`: how the caller proved itself to the broker. */
  readonly method: AuthMethod;
  /** `rolegate.source_identity` (X.509 logins): `CN=<cn>`, `<cn>` or `ID=<serial>`, as Roles Anywhere sets it. */
  readonly sourceIdentity: string | undefined;
  /** `iss`. */
  readonly issuer: string;
  /** `aud`: the audience the caller requested and the login policy approved. */
  readonly audience: string | readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** `jti`, when present: unique per token (useful in logs; not a replay guard here). */
  readonly tokenId: string | undefined;
  /** Every claim of the token, as verified. */
  readonly claims: VerifiedClaims;
}

/** The identity a login established, before it becomes claims. */
export interface ClaimIdentity {
  readonly arn: string;
  readonly type: PrincipalType;
  readonly account: string;
  readonly partition: string;
  readonly sessionArn: string;
  readonly sessionName?: string | undefined;
  readonly userId: string;
}

/** The `rolegate` claim for `identity`, logged in by `method`. */
export function buildRolegateClaim(
  identity: ClaimIdentity,
  method: AuthMethod,
  tags: Readonly<Record<string, string>> = {},
  sourceIdentity?: string,
): RolegateClaimV1 {
  return {
    v: 1,
    method,
    principal_type: identity.type,
    account: identity.account,
    partition: identity.partition,
    session_arn: identity.sessionArn,
    ...(identity.sessionName === undefined ? {} : { session_name: identity.sessionName }),
    user_id: identity.userId,
    tags: { ...tags },
    ...(sourceIdentity === undefined ? {} : { source_identity: sourceIdentity }),
  };
}

const ACCOUNT = /^\d{12}$/;
const isObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a `rolegate` claim read from a token whose subject is `sub`, or undefined
 * when it is a well-formed version 1 claim whose account and partition are those of `sub`.
 */
export function rolegateClaimProblem(rg: unknown, sub: string): string | undefined {
  if (!isObject(rg)) return 'the rolegate claim is missing';
  const { v, method, principal_type, account, partition, session_arn, session_name, user_id } = rg;
  if (v !== 1) return 'rolegate.v must be 1';
  if (!AUTH_METHODS.includes(method as AuthMethod)) return 'rolegate.method is unknown';
  if (!PRINCIPAL_TYPES.includes(principal_type as PrincipalType)) return 'rolegate.principal_type';
  if (typeof account !== 'string' || !ACCOUNT.test(account)) return 'rolegate.account';
  if (typeof partition !== 'string' || partition === '') return 'rolegate.partition';
  // `sub` is `arn:<partition>:<service>::<account>:<resource>`: both must agree with the claim.
  const prefix = `arn:${partition}:`;
  const at = sub.indexOf(':', prefix.length) + 2; // past `<service>::`
  if (
    !sub.startsWith(prefix) ||
    sub.charCodeAt(at - 1) !== 0x3a ||
    !sub.startsWith(account, at) ||
    sub.charCodeAt(at + 12) !== 0x3a
  ) {
    return 'sub does not match rolegate.account / rolegate.partition';
  }
  if (typeof session_arn !== 'string' || !session_arn.startsWith(prefix)) {
    return 'rolegate.session_arn';
  }
  if (session_name !== undefined && typeof session_name !== 'string')
    return 'rolegate.session_name';
  if (typeof user_id !== 'string' || user_id === '') return 'rolegate.user_id';
  if (rg.source_identity !== undefined && typeof rg.source_identity !== 'string') {
    return 'rolegate.source_identity';
  }
  const tags = rg.tags;
  if (!isObject(tags)) return 'rolegate.tags must be an object';
  for (const key in tags)
    if (typeof tags[key] !== 'string') return 'rolegate.tags values must be strings';
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const k in value) deepFreeze((value as Record<string, unknown>)[k]);
    Object.freeze(value);
  }
  return value;
}

/**
 * The caller named by claims already checked (a verified token, or claims the gateway built from
 * an STS answer or a certificate). Frozen, claims included: principals are shared by every request
 * that presents the same credential, and no handler may change what the next one sees.
 */
export function principalFromClaims(claims: VerifiedClaims): Principal {
  const verified = deepFreeze(claims);
  const rg = verified.rolegate;
  return Object.freeze({
    arn: verified.sub,
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
    expiresAt: verified.exp,
    tokenId: verified.jti,
    claims: verified,
  });
}
