// The registry of every refusal the gateway answers with, and the HTTP answer each gets. Codes are
// stable: clients, dashboards and tests branch on them, never on messages. A retired code is never
// reused; add new ones at the end of a group. docs/gateway.md lists them and a test keeps the two in
// step. The `token.*`, `jwks.*` and path `request.*` codes are @rolegate/verify's, with the same
// meaning, so a client sees one vocabulary whether a service sits behind the gateway or uses the
// middleware. Programmer misuse (bad options) is a TypeError instead: no request can cause it.

import { VERIFY_ERRORS } from '@rolegate/verify';

/** `error` member of a refusal body: RFC 6750 values, then HTTP-level ones for the rest. */
export type GatewayWireError =
  | 'invalid_request'
  | 'invalid_token'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'not_found'
  | 'request_timeout'
  | 'headers_too_large'
  | 'bad_gateway'
  | 'gateway_timeout'
  | 'server_error';

export type GatewayStatus = 400 | 401 | 403 | 404 | 408 | 429 | 431 | 500 | 502 | 503 | 504;

export interface GatewayErrorSpec {
  readonly status: GatewayStatus;
  /** `error`; absent for a 401 to a request that sent no credential at all (RFC 6750 §3.1). */
  readonly wire?: GatewayWireError;
  /** Sent as `error_description`: fixed ASCII text, never the precise reason. */
  readonly description: string;
}

const spec = (
  status: GatewayStatus,
  wire: GatewayWireError | undefined,
  description: string,
): GatewayErrorSpec =>
  wire === undefined ? { status, description } : { status, wire, description };

export const GATEWAY_ERRORS = {
  // @rolegate/verify's codes, with the same status, error and description: one vocabulary whether
  // a service sits behind the gateway or uses the middleware. `token.missing` is reworded below,
  // since the gateway takes more than bearer tokens.
  ...VERIFY_ERRORS,

  // The HTTP request itself, refused before any credential or policy is looked at.
  'request.duplicate_header': spec(
    400,
    'invalid_request',
    'a header that must appear once appears more than once',
  ),
  'request.malformed': spec(400, 'invalid_request', 'the request could not be parsed'),
  'request.headers_too_large': spec(431, 'headers_too_large', 'the request headers are too large'),
  'request.timeout': spec(408, 'request_timeout', 'the request did not arrive in time'),
  'request.no_route': spec(404, 'not_found', 'no service matches this request'),
  'request.bad_host': spec(400, 'invalid_request', 'the Host header is not acceptable'),
  'request.bad_header_name': spec(
    400,
    'invalid_request',
    'a header name has a character other than letters, digits and -',
  ),
  'request.duplicate_parameter': spec(
    400,
    'invalid_request',
    'a query parameter that must appear once appears more than once',
  ),
  'request.bad_query': spec(
    400,
    'invalid_request',
    'the query string can be read more than one way',
  ),

  // The caller's credential: 401, with an RFC 6750 challenge.
  'token.missing': spec(401, undefined, 'a credential is required'),
  'credential.unsupported_scheme': spec(
    401,
    'invalid_request',
    'the Authorization scheme is not accepted here',
  ),
  'sts.proof_invalid': spec(401, 'invalid_token', 'the STS proof is not acceptable'),
  'sts.proof_replayed': spec(401, 'invalid_token', 'the STS proof has already been used'),
  'sts.rejected': spec(401, 'invalid_token', 'STS rejected the proof'),
  'sts.principal_not_allowed': spec(401, 'invalid_token', 'this kind of principal is not accepted'),
  'certificate.invalid': spec(401, undefined, 'the TLS client certificate is not acceptable'),

  // Services the gateway depends on to check a credential.
  'sts.unavailable': spec(503, 'temporarily_unavailable', 'STS cannot confirm the proof now'),
  'certificate.unavailable': spec(
    503,
    'temporarily_unavailable',
    'the revocation status of the client certificate cannot be checked now',
  ),
  // The replay cache's per-account quota: the account's own proofs fill its share; others pass.
  'sts.account_quota': spec(
    429,
    'temporarily_unavailable',
    'this account holds too many unexpired STS proofs; retry later',
  ),

  // The policy decision.

  // Forward auth (docs/forward-auth.md): who may ask, and what it must describe. A forward-auth
  // listener answers every 4xx but 401 as 403, the status a proxy's auth_request understands.
  'forwardauth.untrusted_proxy': spec(
    403,
    'access_denied',
    'only a configured proxy may ask for forward-auth decisions',
  ),
  'forwardauth.bad_original': spec(
    400,
    'invalid_request',
    'the original request is missing or described more than one way',
  ),

  // The upstream service.
  'upstream.unavailable': spec(502, 'bad_gateway', 'the upstream service is unavailable'),
  'upstream.timeout': spec(504, 'gateway_timeout', 'the upstream service did not answer in time'),

  // The gateway itself.
  'gateway.internal': spec(500, 'server_error', 'internal error'),
  'gateway.overloaded': spec(
    503,
    'temporarily_unavailable',
    'the gateway is overloaded; retry later',
  ),
} as const satisfies Record<string, GatewayErrorSpec>;

/** Every code a {@link GatewayError} can carry. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
