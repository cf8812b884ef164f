// The one request line of rolegate's servers: the broker and the gateway write the fields they
// share under the same names, so one dashboard query reads both. Never headers, never the query
// string, never a credential.
//
// The line is written by hand rather than through pino's `info()`, because it is written once per
// request and pino's general path (redaction, serializers, an object spread) cost the gateway more
// than its policy evaluation. That is sound only because a request line carries no credential by
// construction (the fields below are the whole record) and only for a logger made by
// createServiceLogger: the text is byte for byte what pino would write (a test compares the two),
// into the same destination, at the same level threshold. Any other logger takes pino's path.

import pino, { type Logger } from 'pino';
import { isServiceLogger } from './service-logger.ts';

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

/** What only one server adds to its request line: plain strings and numbers, nothing nested. */
export type RequestLogExtra = Readonly<Record<string, string | number | undefined>>;

const { streamSym, chindingsSym } = pino.symbols;

// `time` as pino's isoTime writes it; requests within one millisecond share the string.
let isoMs = -1;
let isoText = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

function field(name: string, value: string | number | undefined): string {
  if (value === undefined) return '';
  // JSON.stringify escapes quotes, backslashes and control characters as pino's does.
  return typeof value === 'number'
    ? `,"${name}":${Number.isFinite(value) ? value : 'null'}`
    : `,"${name}":${JSON.stringify(value)}`;
}

function writeLine(
  logger: Logger,
  levelName: 'info' | 'warn',
  line: RequestLogLine,
  extra: RequestLogExtra,
): void {
  const internals = logger as unknown as Record<symbol, unknown>;
  let text =
    `{"level":${levelName === 'warn' ? 40 : 30},"levelName":"${levelName}","time":"${isoNow()}"` +
    (internals[chindingsSym] as string) +
    field('requestId', line.requestId) +
    field('method', line.method) +
    field('path', line.path) +
    field('status', line.status) +
    field('durationMs', line.durationMs) +
    field('principal', line.principal) +
    field('code', line.code) +
    field('sourceIp', line.sourceIp);
  for (const name in extra) text += field(name, extra[name]);
  (internals[streamSym] as { write(text: string): unknown }).write(`${text},"msg":"request"}\n`);
}

/**
 * Writes the request line, message `request`: at `warn` for a 5xx answer (the server or what it
 * depends on failed), `info` otherwise. `extra` holds what only one server knows (the gateway's
 * routed service and policy decision, a refusal's precise reason).
 */
export function logRequest(
  logger: Logger,
  line: RequestLogLine,
  extra: RequestLogExtra = {},
): void {
  const levelName = line.status >= 500 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(levelName)) return;
  if (isServiceLogger(logger)) {
    writeLine(logger, levelName, line, extra);
    return;
  }
  logger[levelName]({ ...line, ...extra }, 'request');
}

/** Milliseconds rounded to the microsecond: enough for any latency question, shorter lines. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
