// The overload guard (./overload.ts) put in front of a node:http request listener: the first thing
// a request meets, before routing, body parsing or any crypto. A shed request gets the server's
// 503 at once and is not logged line by line (under overload that would spend the CPU the shedding
// saves): the guard's periodic report and the shed-request counter say what happened.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OverloadGuard, ShedReason } from './overload.ts';

/** Seconds a shed caller is asked to wait (`Retry-After`). */
export const SHED_RETRY_AFTER_SECONDS = 1;

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
 * Writes a 503 with `Retry-After`. The connection stays open when the request has no body or a
 * small one (Node reads and drops it): closing would make the caller reconnect — a TLS handshake
 * on an HTTPS listener, the costliest thing a server does. A large or chunked body the server is
 * not going to read closes the connection instead.
 */
export function writeShedAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  body: string,
): void {
  const length = req.headers['content-length'];
  const keepAlive =
    req.headers['transfer-encoding'] === undefined &&
    (length === undefined || Number(length) <= KEEP_ALIVE_BODY_BYTES);
  headers['retry-after'] = String(SHED_RETRY_AFTER_SECONDS);
  headers['content-length'] = Buffer.byteLength(body);
  if (!keepAlive) headers.connection = 'close';
  res.writeHead(503, headers);
  res.end(body);
}
