// The verified caller, as a service sees it. Every field comes from the signed token, and the
// broker fills the token only from what STS (or the certificate) answered — except `audience`,
// which the caller asked for and the broker's login policy approved. Nothing here comes from the
// HTTP request.

/** How the caller proved its identity to the broker (`rolegate.method`). */
export type AuthMethod = 'aws-sts' | 'x509' | 'jwt-svid';

/** IAM's principal types (`rolegate.principal_type`, the value of `aws:PrincipalType`). */
export type PrincipalType = 'AssumedRole' | 'User' | 'FederatedUser' | 'Account';

/** The `rolegate` claim, version 1 (DESIGN.md "Token claims"). */
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
