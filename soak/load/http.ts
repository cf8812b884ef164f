// The two requests every load generator makes — a token exchange at a broker and a call through
// the gateway — each turned into one OutcomeRecord whatever happens (an answer, a refusal, a
// refused connection, a timeout). Plain fetch, so the soak sees exactly what a caller sees.
import { createHash } from 'node:crypto';
import { TOKEN_EXCHANGE_GRANT } from '@rolegate/client';
import { decodeProtectedHeader } from 'jose';
import type { Caller, Service } from '../lib/constants.ts';
import type { Kind, OutcomeRecord } from '../oracle/records.ts';

/** Longer than any deadline in the product (STS 5 s, KMS ~6 s): a timeout here is a real hang. */
const REQUEST_TIMEOUT_MS = 15_000;

export type Sink = (record: OutcomeRecord) => void;

export interface Asked {
  readonly lg: string;
  readonly kind: Kind;
  readonly caller: Caller;
}

export function digest(credential: string): string {
  return createHash('sha256').update(credential).digest('hex').slice(0, 16);
}

export function kidOf(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
}

interface Answer {
  readonly status: number;
  readonly code?: string;
  readonly retryAfter?: boolean;
  readonly error?: string;
  readonly body?: Record<string, unknown>;
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const code = typeof body?.rolegate_code === 'string' ? body.rolegate_code : undefined;
    return { status: res.status, code, retryAfter: res.headers.has('retry-after'), body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, error: cause?.code ?? (error as Error).name };
  }
}

export interface Exchanged {
  readonly record: OutcomeRecord;
  readonly token?: string;
}

/** A token exchange of `subjectToken` at broker `broker` (its index in `brokerUrls`). */
export async function exchange(
  asked: Asked,
  brokerUrls: readonly string[],
  broker: number,
  subject: { readonly token: string; readonly type: string; readonly viaSts: boolean },
  audience: string,
): Promise<Exchanged> {
  const t = Date.now();
  const answer = await send(`${brokerUrls[broker]}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject.token,
      subject_token_type: subject.type,
      audience,
    }).toString(),
  });
  const token =
    answer.status === 200 && typeof answer.body?.access_token === 'string'
      ? answer.body.access_token
      : undefined;
  const record: OutcomeRecord = {
    t,
    end: Date.now(),
    ...asked,
    target: 'broker',
    broker,
    status: answer.status,
    code: answer.code,
    retryAfter: answer.retryAfter,
    error: answer.error,
    kid: token ? kidOf(token) : undefined,
    proof: digest(subject.token),
    viaSts: subject.viaSts,
  };
  return { record, token };
}

/** A GET through the gateway to `service` with `authorization`. */
export async function callGateway(
  asked: Asked,
  gatewayUrl: string,
  service: Service,
  authorization: { readonly scheme: 'Bearer' | 'RoleGate-STS'; readonly credential: string },
): Promise<OutcomeRecord> {
  const t = Date.now();
  const answer = await send(`${gatewayUrl}/${service}/soak`, {
    headers: { authorization: `${authorization.scheme} ${authorization.credential}` },
  });
  return {
    t,
    end: Date.now(),
    ...asked,
    target: 'gateway',
    service,
    status: answer.status,
    code: answer.code,
    retryAfter: answer.retryAfter,
    error: answer.error,
    ...(authorization.scheme === 'Bearer'
      ? { kid: kidOf(authorization.credential) }
      : { proof: digest(authorization.credential), viaSts: true }),
  };
}
