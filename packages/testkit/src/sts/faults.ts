// Fault knobs: ways to make the emulator misbehave like a slow, throttled, broken or hostile STS,
// so that callers' timeouts, retries, redirect refusal and strict parsing can be tested. The
// object is read on every request, so tests can change it while the emulator runs.
import { randomInt } from 'node:crypto';
import { type AnswerFormat, CONTENT_TYPES, renderError } from './render.ts';
import { MESSAGES, STS_ERRORS, type StsErrorCode } from './sts-error.ts';

export interface StsFaults {
  /** Wait this long before answering (any answer, faulty or not). */
  latencyMs?: number;
  /** 0..1: fraction of requests answered 400 Throttling "Rate exceeded". */
  throttleRate?: number;
  /** 0..1: fraction answered 500 InternalFailure or 503 ServiceUnavailable (half each). */
  serverErrorRate?: number;
  /** Answer 302 with `Location: <url>`. */
  redirectTo?: string;
  /** Override the Content-Type of a successful answer. */
  contentType?: string;
  /** Pad a successful answer with trailing spaces to this many bytes (still parseable). */
  oversizedBodyBytes?: number;
  /** Answer 200 with this body as-is. */
  malformedBody?: string;
  /** Full override of the answer, sent as given: for hostile-response tests. */
  respond?: { status: number; headers?: Record<string, string>; body: string };
  /** Accept the request and never answer (for timeout tests); close() still ends it. */
  hang?: boolean;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** False for `respond`: send exactly the given headers, not even a Date. */
  stsHeaders: boolean;
}

// Uniform in [0, 1) from the CSPRNG; rates of 0 and 1 are exact.
function chance(rate: number | undefined): boolean {
  if (rate === undefined || rate <= 0) return false;
  return randomInt(1_000_000) < rate * 1_000_000;
}

export function errorAnswer(
  code: StsErrorCode,
  message: string,
  requestId: string,
  format: AnswerFormat,
): Answer {
  const { status, type } = STS_ERRORS[code];
  return {
    status,
    headers: { 'content-type': CONTENT_TYPES[format] },
    body: renderError({ code, message, type }, requestId, format),
    stsHeaders: true,
  };
}

/** The faulty answer these knobs call for before the request is looked at, if any. */
export function faultAnswer(
  faults: StsFaults,
  requestId: string,
  format: AnswerFormat,
): Answer | undefined {
  if (faults.respond) {
    const { status, headers = {}, body } = faults.respond;
    return { status, headers: { ...headers }, body, stsHeaders: false };
  }
  if (faults.redirectTo !== undefined) {
    return { status: 302, headers: { location: faults.redirectTo }, body: '', stsHeaders: true };
  }
  if (faults.malformedBody !== undefined) {
    const type = faults.contentType ?? CONTENT_TYPES[format];
    return {
      status: 200,
      headers: { 'content-type': type },
      body: faults.malformedBody,
      stsHeaders: true,
    };
  }
  if (chance(faults.throttleRate)) {
    return errorAnswer('Throttling', MESSAGES.throttled, requestId, format);
  }
  if (chance(faults.serverErrorRate)) {
    return randomInt(2) === 0
      ? errorAnswer('InternalFailure', MESSAGES.internalFailure, requestId, format)
      : errorAnswer('ServiceUnavailable', MESSAGES.unavailable, requestId, format);
  }
  return undefined;
}

/** Applies the knobs that reshape a successful answer. */
export function shapeSuccess(answer: Answer, faults: StsFaults): Answer {
  const headers = { ...answer.headers };
  if (faults.contentType !== undefined) headers['content-type'] = faults.contentType;
  let body = answer.body;
  const target = faults.oversizedBodyBytes ?? 0;
  const size = Buffer.byteLength(body);
  if (target > size) body += ' '.repeat(target - size);
  return { ...answer, headers, body };
}
