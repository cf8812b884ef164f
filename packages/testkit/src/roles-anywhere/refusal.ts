// How the Roles Anywhere emulator refuses a request. On the wire, AWS's REST-JSON form: the error
// type in `x-amzn-ErrorType` and `{"message": …}` in the body, with the three types the
// CreateSession model declares (AccessDeniedException 403, ValidationException 400,
// ResourceNotFoundException 404) plus the protocol's own UnknownOperationException for a route
// that is not CreateSession. Beside the wire type, every refusal carries a stable `reason` code of
// the emulator's: AWS answers "AccessDeniedException" for a bad signature, an untrusted
// certificate and a trust policy alike, so a test that asserted only the type could pass for the
// wrong reason. Tests read the reason from `emulator.lastRefusal`; it never goes on the wire.

export const ROLES_ANYWHERE_ERRORS = {
  ValidationException: { status: 400 },
  AccessDeniedException: { status: 403 },
  ResourceNotFoundException: { status: 404 },
  UnknownOperationException: { status: 404 },
  InternalServerException: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type RolesAnywhereErrorType = keyof typeof ROLES_ANYWHERE_ERRORS;

/**
 * Why a request was refused. `cert.<code>` carries @rolegate/identity's certificate code as it
 * is (`cert.expired`, `cert.untrusted`, `cert.bad_extended_key_usage`, `cert.leaf_is_ca`…).
 */
export type RolesAnywhereRefusalReason =
  | 'request.unknown_operation'
  | 'request.bad_query'
  | 'request.bad_body'
  | 'request.duration_above_profile'
  | 'request.role_session_name_not_accepted'
  | 'auth.malformed'
  | 'auth.bad_certificate'
  | 'auth.algorithm_mismatch'
  | 'auth.bad_scope'
  | 'auth.serial_mismatch'
  | 'auth.date_out_of_window'
  | 'auth.header_not_signed'
  | 'auth.bad_signature'
  | 'resource.trust_anchor_not_found'
  | 'resource.profile_not_found'
  | 'resource.trust_anchor_disabled'
  | 'resource.profile_disabled'
  | 'resource.role_not_in_profile'
  | 'policy.tags_unmappable'
  | 'policy.denied'
  | 'internal'
  | `cert.${string}`;

/** What `emulator.lastRefusal` records of a refused request. */
export interface RolesAnywhereRefusal {
  readonly type: RolesAnywhereErrorType;
  readonly status: number;
  readonly reason: RolesAnywhereRefusalReason;
  /** The body's message (AWS's wording where known, else the emulator's). */
  readonly message: string;
}

export class RolesAnywhereError extends Error {
  readonly type: RolesAnywhereErrorType;
  readonly status: number;
  readonly reason: RolesAnywhereRefusalReason;

  constructor(type: RolesAnywhereErrorType, reason: RolesAnywhereRefusalReason, message: string) {
    super(message);
    this.name = 'RolesAnywhereError';
    this.type = type;
    this.status = ROLES_ANYWHERE_ERRORS[type].status;
    this.reason = reason;
  }

  toRefusal(): RolesAnywhereRefusal {
    return { type: this.type, status: this.status, reason: this.reason, message: this.message };
  }
}

// AWS's own wording, as it appears in public reports of the service's answers.
export const INVALID_SIGNATURE = 'Invalid signature';
export const UNTRUSTED_CERTIFICATE = 'Untrusted Signing Certificate';

export const denied = (reason: RolesAnywhereRefusalReason, message: string): RolesAnywhereError =>
  new RolesAnywhereError('AccessDeniedException', reason, message);

export const invalid = (reason: RolesAnywhereRefusalReason, message: string): RolesAnywhereError =>
  new RolesAnywhereError('ValidationException', reason, message);

/** AWS's words when the role cannot be assumed (trust policy, tags, role not in the profile). */
export const unableToAssume = (
  reason: RolesAnywhereRefusalReason,
  roleArn: string,
  detail = '',
): RolesAnywhereError =>
  denied(reason, `Unable to assume role for ${roleArn}.${detail === '' ? '' : ` ${detail}`}`);
