// The one request line of rolegate's servers: the broker and the gateway write the fields they
// share under the same names, so one dashboard query reads both. Never headers, never the query
// string, never a credential.

import type { Logger } from 'pino';

export interface RequestLogLine {
  readonly requestId: string;
  readonly method: string;
  /** The path without its query string (a client may put a credential in the query). */
  readonly path: string;
  readonly status: number;
  /** From the first byte of the request to the end of the answer, in milliseconds. */
  readonly durationMs: number;
  /** Who called: a session ARN, `Anonymous`, or `-` when not established. */
  readonly principal: string;
  /** The rolegate error code of a refusal; absent when the request succeeded. */
  readonly code: string | undefined;
  readonly sourceIp: string | undefined;
}

/** The field names of {@link RequestLogLine}, the part of a request line both servers share. */
export const REQUEST_LOG_FIELDS = [
  'requestId',
  'method',
  'path',
  'status',
  'durationMs',
  'principal',
  'code',
  'sourceIp',
] as const satisfies readonly (keyof RequestLogLine)[];

/**
 * Writes the request line, message `request`: at `warn` for a 5xx answer (the server or what it
 * depends on failed), `info` otherwise. `extra` holds what only one server knows (the gateway's
 * routed service and policy decision, a refusal's precise reason).
 */
export function logRequest(
  logger: Logger,
  line: RequestLogLine,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  const record = { ...line, ...extra };
  if (line.status >= 500) logger.warn(record, 'request');
  else logger.info(record, 'request');
}

/** Milliseconds rounded to the microsecond: enough for any latency question, shorter lines. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
