// Errors raised by @rolegate/client, on rolegate's one error base: the `code` is stable and
// documented in docs/errors.md, so callers branch on it rather than on messages. The status says
// what kind of failure it is (503: try again later; 400: fix the call or the input); for
// `client.broker_rejected` it is the broker's own status.
import { type ErrorRegistry, RolegateError } from '@rolegate/core';

export const CLIENT_ERRORS = {
  'client.credentials_unavailable': {
    status: 401,
    description: 'no AWS credentials were found',
  },
  'client.invalid_option': { status: 400, description: 'an option is invalid' },
  'client.broker_unreachable': { status: 503, description: 'the broker cannot be reached' },
  'client.broker_rejected': { status: 400, description: 'the broker refused the request' },
  'client.broker_bad_response': {
    status: 502,
    description: 'the broker answered something unusable',
  },
  'client.token_file_unreadable': { status: 400, description: 'the token file cannot be read' },
  'client.no_token_source': { status: 400, description: 'no token source is configured' },
  'client.login_audience_mismatch': {
    status: 400,
    description: "the broker's login audience is not its own origin",
  },
  'client.certificate_invalid': {
    status: 400,
    description: 'the workload certificate or key cannot be used',
  },
  'client.workload_api_unavailable': {
    status: 503,
    description: 'the SPIFFE Workload API cannot be reached',
  },
  'client.workload_api_no_identity': {
    status: 403,
    description: 'the SPIFFE Workload API has no SVID for this workload',
  },
  'client.workload_api_bad_response': {
    status: 502,
    description: 'the SPIFFE Workload API sent an unusable SVID',
  },
  'client.file_unreadable': {
    status: 400,
    description: 'a certificate, key, bundle or passphrase file cannot be read',
  },
  'client.passphrase_invalid': {
    status: 400,
    description: 'a key or PKCS#12 bundle needs a passphrase, or the one given is wrong',
  },
  'client.key_mismatch': {
    status: 400,
    description: 'the private key is not the key of the certificate',
  },
  'client.certificate_expired': { status: 400, description: 'the certificate has expired' },
  'client.certificate_not_yet_valid': {
    status: 400,
    description: 'the certificate is not valid yet',
  },
  'client.roles_anywhere_refused': {
    status: 403,
    description: 'IAM Roles Anywhere refused to create a session',
  },
  'client.roles_anywhere_unreachable': {
    status: 503,
    description: 'IAM Roles Anywhere cannot be reached',
  },
  'client.roles_anywhere_bad_response': {
    status: 502,
    description: 'IAM Roles Anywhere answered something unusable',
  },
  'client.all_brokers_failed': {
    status: 503,
    description: 'no broker of the list gave a token',
  },
  'client.issuer_mismatch': {
    status: 502,
    description: 'a broker issued a token with another issuer than expected',
  },
} as const satisfies ErrorRegistry;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export class RolegateClientError extends RolegateError<ClientErrorCode> {
  static override readonly registry = CLIENT_ERRORS;
  /** For `client.broker_rejected`: the broker's RFC 6749 `error` and `rolegate_code`. */
  readonly oauthError?: string;
  readonly rolegateCode?: string;

  constructor(
    code: ClientErrorCode,
    message: string,
    details: {
      cause?: unknown;
      oauthError?: string;
      rolegateCode?: string;
      /** The broker's HTTP status, for `client.broker_rejected`. */
      status?: number;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(code, message, details);
    if (details.oauthError !== undefined) this.oauthError = details.oauthError;
    if (details.rolegateCode !== undefined) this.rolegateCode = details.rolegateCode;
  }
}
