// Trades a proof for a rolegate JWT at the broker's RFC 8693 token endpoint.
import { describeFetchFailure, TOKEN_EXCHANGE_GRANT, TOKEN_PATH } from '@rolegate/core';
import { checkBrokerUrl } from './broker-url.ts';
import { RolegateClientError } from './errors.ts';

export { TOKEN_EXCHANGE_GRANT };

export interface ExchangeInput {
  /** Broker base URL, e.g. http://127.0.0.1:8700 */
  readonly brokerUrl: string;
  /** The service the token is for (`aud`). */
  readonly audience: string;
  /** Absent only for a TLS client-certificate login: the connection's certificate is the subject. */
  readonly subjectToken?: string;
  readonly subjectTokenType: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly issuedTokenType: string;
  readonly expiresIn: number;
  /** Absolute expiry computed from `expires_in` when the answer arrived. */
  readonly expiresAt: Date;
}

export async function exchangeToken(input: ExchangeInput): Promise<IssuedToken> {
  const doFetch = input.fetch ?? fetch;
  const url = new URL(TOKEN_PATH, checkBrokerUrl(input.brokerUrl));
  const body = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT });
  if (input.subjectToken !== undefined) body.set('subject_token', input.subjectToken);
  body.set('subject_token_type', input.subjectTokenType);
  body.set('audience', input.audience);
  const timeoutMs = input.timeoutMs ?? 10_000;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new RolegateClientError(
      'client.broker_unreachable',
      `cannot reach the broker at ${url.origin}: ${describeFetchFailure(cause, { timeoutMs }).text}`,
      { cause },
    );
  }
  const payload = await readJson(response);
  if (!response.ok) throw rejection(response, payload, input.subjectToken);
  const token = payload?.access_token;
  const expiresIn = payload?.expires_in;
  if (
    typeof token !== 'string' ||
    typeof expiresIn !== 'number' ||
    payload?.token_type !== 'Bearer'
  ) {
    throw new RolegateClientError(
      'client.broker_bad_response',
      'the broker answered without a token',
    );
  }
  return {
    accessToken: token,
    tokenType: 'Bearer',
    issuedTokenType: String(payload.issued_token_type ?? ''),
    expiresIn,
    expiresAt: new Date(Date.now() + expiresIn * 1000),
  };
}

type Payload = Record<string, unknown> | undefined;

async function readJson(response: Response): Promise<Payload> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Longest broker-written text an error message carries. */
const MAX_BROKER_TEXT = 200;

/**
 * Broker-written text made fit for an error message, which callers log and print: any broker in a
 * failover list, hostile or broken, writes it. RFC 6749 §5.2 allows printable ASCII only in
 * `error` and `error_description`; anything else (a newline forging a log line, a terminal escape)
 * becomes `?`, the length is capped, and a subject token echoed back is never repeated.
 */
function brokerText(value: string, subjectToken: string | undefined): string {
  const redacted =
    subjectToken !== undefined && subjectToken.length > 0
      ? value.split(subjectToken).join('[subject token]')
      : value;
  const printable = redacted.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_BROKER_TEXT ? `${printable.slice(0, MAX_BROKER_TEXT)}…` : printable;
}

function rejection(
  response: Response,
  payload: Payload,
  subjectToken: string | undefined,
): RolegateClientError {
  const text = (value: unknown) =>
    typeof value === 'string' ? brokerText(value, subjectToken) : undefined;
  const oauthError = text(payload?.error);
  const rolegateCode = text(payload?.rolegate_code);
  const description = text(payload?.error_description) ?? text(response.statusText) ?? '';
  const retryAfter = Number(response.headers.get('retry-after'));
  return new RolegateClientError(
    'client.broker_rejected',
    `the broker refused the exchange (${response.status} ${oauthError ?? ''}${rolegateCode ? ` ${rolegateCode}` : ''}): ${description}`,
    {
      oauthError,
      rolegateCode,
      status: response.status,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    },
  );
}
