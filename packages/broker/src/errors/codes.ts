// The registry of every error the broker can answer with: the login refusals of
// @rolegate/identity, as they are, and the broker's own (the token request, the login policy, the
// broker itself). Each code is stable: clients and dashboards branch on it. A retired code is
// never reused; add new ones at the end of a group. docs/errors.md documents each code and a test
// keeps the two in step.

import type { ErrorRegistry } from '@rolegate/core';
import { IDENTITY_ERRORS, spec } from '@rolegate/identity';

export const BROKER_ERRORS = {
  ...IDENTITY_ERRORS,
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
  'request.unexpected_parameter': spec(
    400,
    'invalid_request',
    'a parameter was sent that this subject token type does not take',
  ),
  'request.invalid_audience': spec(400, 'invalid_target', 'audience is not a valid audience value'),
  'request.rate_limited': spec(
    429,
    'temporarily_unavailable',
    'too many token requests from this address; retry later',
  ),

  // The login policy.
  'policy.denied': spec(
    403,
    'unauthorized_client',
    'the login policy does not allow this principal for this audience',
  ),

  // The broker itself.
  'broker.signing_unavailable': spec(
    503,
    'temporarily_unavailable',
    'the signing key is unavailable',
  ),
  'broker.not_found': spec(404, 'invalid_request', 'no such endpoint'),
  'broker.internal': spec(500, 'server_error', 'internal error'),
  'broker.overloaded': spec(
    503,
    'temporarily_unavailable',
    'the broker is overloaded; retry later',
  ),
} as const satisfies ErrorRegistry;

export type BrokerErrorCode = keyof typeof BROKER_ERRORS;
