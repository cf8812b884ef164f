// The registry of every error the broker can answer with. Each code is stable: clients and
// dashboards branch on it. A retired code is never reused; add new ones at the end of a group.
// docs/errors.md documents each code and a test keeps the two in step.

export type OAuthError =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'temporarily_unavailable'
  | 'server_error';

export interface ErrorSpec {
  readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 503;
  readonly oauth: OAuthError;
  /** Shown to the caller as `error_description`; the precise reason goes to the log only. */
  readonly description: string;
}

const spec = (status: ErrorSpec['status'], oauth: OAuthError, description: string): ErrorSpec => ({
  status,
  oauth,
  description,
});

export const ERROR_CODES = {
  // The token request itself.
  'request.unsupported_grant_type': spec(
    400,
    'unsupported_grant_type',
    'grant_type must be token exchange',
  ),
  'request.unsupported_token_type': spec(
    400,
    'invalid_request',
    'subject_token_type is not supported',
  ),
  'request.missing_parameter': spec(400, 'invalid_request', 'a required parameter is missing'),
  'request.duplicate_parameter': spec(
    400,
    'invalid_request',
    'a parameter was given more than once',
  ),
  'request.unsupported_media_type': spec(
    415,
    'invalid_request',
    'send application/x-www-form-urlencoded',
  ),
  'request.too_large': spec(413, 'invalid_request', 'the request body is too large'),
  'request.malformed': spec(400, 'invalid_request', 'the request could not be parsed'),
  'request.invalid_audience': spec(400, 'invalid_target', 'audience is not a valid audience value'),
  'request.rate_limited': spec(
    429,
    'temporarily_unavailable',
    'too many token requests from this address; retry later',
  ),

  // The presigned STS proof, checked before anything is sent to STS.
  'proof.too_large': spec(400, 'invalid_grant', 'the proof is larger than 8 KiB'),
  'proof.bad_prefix': spec(400, 'invalid_grant', 'the proof must start with rgsts1.'),
  'proof.bad_encoding': spec(400, 'invalid_grant', 'the proof is not strict unpadded base64url'),
  'proof.bad_characters': spec(
    400,
    'invalid_grant',
    'the proof URL has control or non-ASCII characters',
  ),
  'proof.bad_url': spec(400, 'invalid_grant', 'the proof is not an https URL of the expected form'),
  'proof.host_not_allowed': spec(
    400,
    'invalid_grant',
    'the proof names an STS host that is not allowed',
  ),
  'proof.bad_query': spec(400, 'invalid_grant', 'the proof query string is malformed'),
  'proof.unknown_parameter': spec(
    400,
    'invalid_grant',
    'the proof has a query parameter that is not allowed',
  ),
  'proof.duplicate_parameter': spec(400, 'invalid_grant', 'the proof repeats a query parameter'),
  'proof.missing_parameter': spec(
    400,
    'invalid_grant',
    'the proof lacks a required query parameter',
  ),
  'proof.bad_action': spec(
    400,
    'invalid_grant',
    'the proof is not for sts:GetCallerIdentity 2011-06-15',
  ),
  'proof.bad_algorithm': spec(
    400,
    'invalid_grant',
    'the proof is not signed with AWS4-HMAC-SHA256',
  ),
  'proof.bad_credential_scope': spec(400, 'invalid_grant', 'the proof credential scope is wrong'),
  'proof.audience_not_signed': spec(
    400,
    'invalid_grant',
    'the proof must sign exactly host;x-rolegate-audience',
  ),
  'proof.bad_date': spec(400, 'invalid_grant', 'X-Amz-Date is malformed'),
  'proof.expired': spec(401, 'invalid_grant', 'the proof is older than 15 minutes'),
  'proof.not_yet_valid': spec(401, 'invalid_grant', 'the proof is dated in the future'),
  'proof.bad_expires': spec(400, 'invalid_grant', 'X-Amz-Expires must be an integer from 1 to 900'),
  'proof.bad_signature_format': spec(
    400,
    'invalid_grant',
    'X-Amz-Signature must be 64 lower-case hex digits',
  ),
  'proof.bad_security_token': spec(400, 'invalid_grant', 'X-Amz-Security-Token is malformed'),
  'proof.replayed': spec(401, 'invalid_grant', 'the proof has already been used'),

  // What STS said.
  'sts.signature_mismatch': spec(401, 'invalid_grant', 'STS rejected the proof signature'),
  'sts.invalid_client_token': spec(401, 'invalid_grant', 'STS does not know the credentials'),
  'sts.expired_token': spec(401, 'invalid_grant', 'the session credentials have expired'),
  'sts.rejected': spec(401, 'invalid_grant', 'STS rejected the proof'),
  'sts.throttled': spec(429, 'temporarily_unavailable', 'STS is throttling; retry later'),
  'sts.unavailable': spec(503, 'temporarily_unavailable', 'STS is unavailable; retry later'),
  'sts.timeout': spec(503, 'temporarily_unavailable', 'STS did not answer in time; retry later'),
  'sts.bad_response': spec(
    503,
    'temporarily_unavailable',
    'STS gave an answer the broker cannot trust',
  ),
  'sts.identity_mismatch': spec(
    503,
    'temporarily_unavailable',
    'STS answered an inconsistent identity',
  ),

  // Who the caller turned out to be.
  'identity.unsupported_principal': spec(
    403,
    'unauthorized_client',
    'this kind of principal cannot log in',
  ),
  'identity.root_not_allowed': spec(
    403,
    'unauthorized_client',
    'the account root user cannot log in',
  ),
  'identity.federated_user_not_allowed': spec(
    403,
    'unauthorized_client',
    'federated users cannot log in',
  ),
  'identity.service_linked_role_not_allowed': spec(
    403,
    'unauthorized_client',
    'service-linked roles cannot log in',
  ),
  'policy.denied': spec(
    403,
    'unauthorized_client',
    'the login policy does not allow this principal for this audience',
  ),

  // The broker itself.
  'broker.replay_cache_unavailable': spec(
    503,
    'temporarily_unavailable',
    'the replay cache is unavailable',
  ),
  'broker.signing_unavailable': spec(
    503,
    'temporarily_unavailable',
    'the signing key is unavailable',
  ),
  'broker.not_found': spec(404, 'invalid_request', 'no such endpoint'),
  'broker.internal': spec(500, 'server_error', 'internal error'),
} as const satisfies Record<string, ErrorSpec>;

export type BrokerErrorCode = keyof typeof ERROR_CODES;
