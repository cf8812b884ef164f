// The registry of every refusal @rolegate/verify can make, with the HTTP answer each gets. Codes
// are stable: services, dashboards and tests branch on them, never on messages. A retired code is
// never reused; add new ones at the end of a group. docs/verify.md lists them (a test keeps the
// two in step). Programmer misuse (bad options) is a TypeError instead: no request can cause it.

import { RolegateError } from '@rolegate/core';

/** RFC 6750 §3.1 error values, plus `access_denied` / `temporarily_unavailable` for 403 and 503. */
export type WireError =
  | 'invalid_request'
  | 'invalid_token'
  | 'access_denied'
  | 'temporarily_unavailable';

export interface VerifyErrorSpec {
  readonly status: 400 | 401 | 403 | 503;
  /** RFC 6750 `error`; absent for a request that sent no credentials at all (§3.1). */
  readonly wire?: WireError;
  /** Sent as `error_description`: fixed ASCII text, never the precise reason. */
  readonly description: string;
}

const spec = (
  status: VerifyErrorSpec['status'],
  wire: WireError | undefined,
  description: string,
): VerifyErrorSpec =>
  wire === undefined ? { status, description } : { status, wire, description };

export const VERIFY_ERRORS = {
  // The bearer token: 401, with an RFC 6750 challenge.
  'token.missing': spec(401, undefined, 'a bearer token is required'),
  'token.malformed': spec(401, 'invalid_token', 'the token is not a compact JWS'),
  'token.too_large': spec(401, 'invalid_token', 'the token is too large'),
  'token.bad_header': spec(401, 'invalid_token', 'the token header is not acceptable'),
  'token.algorithm_not_allowed': spec(401, 'invalid_token', 'the token algorithm is not allowed'),
  'token.unknown_key': spec(401, 'invalid_token', 'the token was signed by an unknown key'),
  'token.bad_signature': spec(401, 'invalid_token', 'the token signature is invalid'),
  'token.expired': spec(401, 'invalid_token', 'the token has expired'),
  'token.not_yet_valid': spec(401, 'invalid_token', 'the token is not valid yet'),
  'token.issuer_mismatch': spec(401, 'invalid_token', 'the token was issued by another issuer'),
  'token.audience_mismatch': spec(401, 'invalid_token', 'the token is meant for another audience'),
  'token.bad_claims': spec(401, 'invalid_token', 'the token claims are malformed'),

  // The key set: the broker could not be reached and no key is held.
  'jwks.unavailable': spec(503, 'temporarily_unavailable', 'the signing keys cannot be fetched'),

  // The HTTP request, checked before any policy runs.
  'request.bad_path': spec(400, 'invalid_request', 'the request path is not acceptable'),
  'request.encoded_slash': spec(400, 'invalid_request', 'the request path has an encoded slash'),
  'request.backslash': spec(400, 'invalid_request', 'the request path has a backslash'),
  'request.nul': spec(400, 'invalid_request', 'the request path has a NUL character'),
  'request.bad_escape': spec(400, 'invalid_request', 'the request path has an invalid escape'),

  // The policy decision.
  'request.denied': spec(403, 'access_denied', 'the policy does not allow this request'),
} as const satisfies Record<string, VerifyErrorSpec>;

/** Every code a {@link VerifyError} can carry. */
export type VerifyErrorCode = keyof typeof VERIFY_ERRORS;

/**
 * A refusal with a stable `code`. `message` is the precise reason, for logs only: answers carry
 * the code's fixed description ({@link VERIFY_ERRORS}).
 */
export class VerifyError extends RolegateError<VerifyErrorCode> {
  static override readonly registry = VERIFY_ERRORS;
}

export const isVerifyError = (value: unknown): value is VerifyError => value instanceof VerifyError;
