// The overload guard (./overload.ts) put in front of a node:http request listener: the first thing
// a request meets, before routing, body parsing or any crypto. A shed request gets the server's
// 503 at once and is not logged line by line (under overload that would spend the CPU the shedding
// saves): the guard's periodic report and the shed-request counter say what happened.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OverloadGuard, ShedReason } from './overload.ts';

/** Seconds a shed caller is asked to wait (`Retry-After`). */
export const SHED_RETRY_AFTER_SECONDS = 1;

/**
 * The listen backlog of rolegate's traffic listeners: connections the kernel has accepted and the
 * process not yet taken. Node's default, 511, overflows when a burst of callers connects while the
 * event loop is busy (libuv takes one connection per loop turn since libuv#3696, and a turn at
 * saturation lasts 10–70 ms): the kernel then drops their SYNs, and each waits out a 1 s (then 3 s) retransmission — latency no
 * shedding can answer, because the process never sees those requests. Measured in the overload
 * bench: 14,807 listen overflows and 4,708 SYN retransmissions in one 8-second run at 0.4 of the
 * gateway's peak. Linux caps it at net.core.somaxconn (4096 by default since 5.4).
 */
export const LISTEN_BACKLOG = 4096;

/** A shed request's body up to this size is read and dropped so the connection stays open. */
const KEEP_ALIVE_BODY_BYTES = 64 * 1024;

type Listener<Req extends IncomingMessage, Res extends ServerResponse> = (
  req: Req,
  res: Res,
) => void;

/**
 * `listener` behind `guard`: admitted requests are counted in flight until their response closes;
 * the others go to `shed`. `exempt` requests (health probes on a traffic port) are never shed.
 */
export function guardRequests<Req extends IncomingMessage, Res extends ServerResponse>(
  guard: OverloadGuard,
  listener: Listener<Req, Res>,
  shed: (req: Req, res: Res, reason: ShedReason) => void,
  exempt?: (req: Req) => boolean,
): Listener<Req, Res> {
  if (!guard.enabled) return listener;
  return function guarded(req, res) {
    if (exempt?.(req) === true) {
      listener(req, res);
      return;
    }
    const reason = guard.admit();
    if (reason !== undefined) {
      shed(req, res, reason);
      return;
    }
    // `close` follows every response, finished or cut; `on` (not `once`) adds no wrapper.
    res.on('close', guard.release);
    listener(req, res);
  };
}

/** The same for `upgrade` requests, which are checked but not counted (they are long-lived). */
export function guardUpgrades(
  guard: OverloadGuard,
  listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  shed: (req: IncomingMessage, socket: Duplex, reason: ShedReason) => void,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  if (!guard.enabled) return listener;
  return function guardedUpgrade(req, socket, head) {
    const reason = guard.check();
    if (reason === undefined) listener(req, socket, head);
    else shed(req, socket, reason);
  };
}

/**
 * A shed answer, compiled once per server: the status line's headers as a flat list and the body
 * text are fixed, only the request id (when the server names one) changes per answer. Shedding
 * is what an overloaded server does most, so its cost decides the goodput it keeps: each answer
 * here is one small array, one string and one `writeHead` of a flat header list — no header
 * object to validate and lower-case, no JSON to build, no Error.
 */
export interface ShedAnswerShape {
  /** The answer's headers besides `retry-after`, `content-length` and `connection`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /**
   * A placeholder that occurs once in `body` and as the value of one header: each answer puts a
   * fresh request id (a UUID) in both places. Omitted: every answer is the same.
   */
  readonly requestIdPlaceholder?: string;
}

/** Writes one compiled shed answer (see {@link compileShedAnswer}). */
export type ShedWriter = (req: IncomingMessage, res: ServerResponse) => void;

export function compileShedAnswer(shape: ShedAnswerShape): ShedWriter {
  const fixed: string[] = [];
  let idHeader: string | undefined;
  for (const [name, value] of Object.entries(shape.headers)) {
    if (value === shape.requestIdPlaceholder) idHeader = name;
    else fixed.push(name, value);
  }
  fixed.push('retry-after', String(SHED_RETRY_AFTER_SECONDS));
  const placeholder = shape.requestIdPlaceholder;
  if (placeholder === undefined) {
    const body = Buffer.from(shape.body);
    const keepAlive = [...fixed, 'content-length', String(body.length)];
    const close = [...keepAlive, 'connection', 'close'];
    return (req, res) => {
      res.writeHead(503, keepsAlive(req) ? keepAlive : close);
      res.end(body);
    };
  }
  const parts = shape.body.split(placeholder);
  if (parts.length !== 2 || idHeader === undefined)
    throw new Error('the request id placeholder must occur once in the body and once in a header');
  const [before, after] = parts as [string, string];
  // A UUID is 36 ASCII bytes: the length is the same for every answer.
  const length = String(Buffer.byteLength(before) + 36 + Buffer.byteLength(after));
  return (req, res) => {
    const requestId = randomUUID();
    const body = before + requestId + after;
    const headers = [...fixed, idHeader, requestId, 'content-length', length];
    if (!keepsAlive(req)) headers.push('connection', 'close');
    res.writeHead(503, headers);
    res.end(body);
  };
}

/**
 * Whether the connection stays open after a shed answer: yes when the request has no body or a
 * small one (Node reads and drops it) — closing would make the caller reconnect, dearer for both
 * than the answer itself (a TLS handshake on an HTTPS listener). A large or chunked body the
 * server is not going to read closes the connection instead.
 */
function keepsAlive(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] === undefined &&
    (length === undefined || Number(length) <= KEEP_ALIVE_BODY_BYTES)
  );
}
