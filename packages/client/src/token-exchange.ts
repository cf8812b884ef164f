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
  if (!response.ok) throw rejection(response, payload);
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

function rejection(response: Response, payload: Payload): RolegateClientError {
  const oauthError = typeof payload?.error === 'string' ? payload.error : undefined;
  const rolegateCode =
    typeof payload?.rolegate_code === 'string' ? payload.rolegate_code : undefined;
  const description =
    typeof payload?.error_description === 'string'
      ? payload.error_description
      : response.statusText;
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
