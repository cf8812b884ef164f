// Errors raised by @rolegate/client. One base class; the `code` is stable and documented in
// docs/errors.md, so callers branch on it rather than on messages.

export type ClientErrorCode =
  | 'client.credentials_unavailable'
  | 'client.invalid_option'
  | 'client.broker_unreachable'
  | 'client.broker_rejected'
  | 'client.broker_bad_response'
  | 'client.token_file_unreadable'
  | 'client.no_token_source'
  | 'client.login_audience_mismatch'
  | 'client.certificate_invalid'
  | 'client.workload_api_unavailable'
  | 'client.workload_api_no_identity'
  | 'client.workload_api_bad_response';

export class RolegateClientError extends Error {
  readonly code: ClientErrorCode;
  /** For `client.broker_rejected`: the broker's RFC 6749 `error`, `rolegate_code` and HTTP status. */
  readonly oauthError?: string;
  readonly rolegateCode?: string;
  readonly status?: number;
  readonly retryAfterSeconds?: number;

  constructor(
    code: ClientErrorCode,
    message: string,
    details: {
      cause?: unknown;
      oauthError?: string;
      rolegateCode?: string;
      status?: number;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RolegateClientError';
    this.code = code;
    this.oauthError = details.oauthError;
    this.rolegateCode = details.rolegateCode;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
