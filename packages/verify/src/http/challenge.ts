// The wire side of a refusal: RFC 6750 bearer-token extraction and `WWW-Authenticate` challenges,
// and the JSON body every adapter sends. The body and the challenge carry only the code's fixed
// description; the precise reason stays in VerifyError.message for the service's own logs.

import { VERIFY_ERRORS, VerifyError, type VerifyErrorCode } from '../errors.ts';

export interface RefusalBody {
  /** RFC 6750 error; absent when the request carried no credentials (§3.1). */
  readonly error?: string;
  readonly error_description: string;
  readonly rolegate_code: VerifyErrorCode;
}

/** Everything an adapter needs to answer a refused request, whatever the framework. */
export interface Refusal {
  readonly status: 400 | 401 | 403 | 503;
  readonly code: VerifyErrorCode;
  /** Lower-case header names: `www-authenticate`, `retry-after`, `cache-control`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RefusalBody;
  /** The error with the precise reason, for logs. */
  readonly error: VerifyError;
}

// RFC 7235 quoted-string content we are willing to emit: printable ASCII without `"` and `\`,
// so nothing needs escaping and no client can misparse the header.
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function isQuotable(text: string): boolean {
  return QUOTABLE.test(text);
}

/**
 * The credentials of `Authorization: Bearer <token>`. undefined when the header is absent or uses
 * another scheme (no bearer credentials at all); a Bearer header without one token throws.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  // Schemes compare case-insensitively (RFC 9110 §11.1).
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  if (space < 0 || token === '' || /\s/.test(token)) {
    throw new VerifyError('token.malformed', 'Authorization: Bearer needs exactly one token');
  }
  return token;
}

export function refusalFor(error: VerifyError, realm: string): Refusal {
  const spec = VERIFY_ERRORS[error.code];
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (spec.status === 401) {
    headers['www-authenticate'] =
      spec.wire === undefined
        ? `Bearer realm="${realm}"`
        : `Bearer realm="${realm}", error="${spec.wire}", error_description="${spec.description}"`;
  }
  if (error.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(error.retryAfterSeconds);
  const body: RefusalBody =
    spec.wire === undefined
      ? { error_description: spec.description, rolegate_code: error.code }
      : { error: spec.wire, error_description: spec.description, rolegate_code: error.code };
  return { status: spec.status, code: error.code, headers, body, error };
}
