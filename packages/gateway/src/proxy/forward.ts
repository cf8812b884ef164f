// Sends an admitted request upstream and streams the answer back, both ways without buffering:
// the request body is piped from the client into undici, the response body is written to the
// client as it arrives (undici's stream() writes straight into the ServerResponse, with
// back-pressure). A failure before the response starts becomes a 502/504 refusal; a failure after
// can only cut the response short. A client that goes away aborts the upstream request.

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../errors/gateway-error.ts';
import { clientHeaders } from './response-headers.ts';
import { upstreamFailure } from './upstream-errors.ts';

/**
 * Tells undici the client has gone, so the upstream request is abandoned. An EventEmitter (which
 * undici accepts as a signal) rather than an AbortController: one is made per request, and an
 * AbortSignal's EventTarget machinery costs several times more.
 */
export class ClientGone extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

export interface ForwardRequest {
  readonly dispatcher: Dispatcher;
  /** Normalised path and raw query. */
  readonly path: string;
  /** Flat name/value list, already stripped and completed (request-headers.ts). */
  readonly headers: string[];
  readonly requestId: string;
  /** Send `100 Continue` to the client first: it held its body back until admitted. */
  readonly expectContinue: boolean;
  /** Aborted by the caller when the client leaves before the response is over. */
  readonly signal: ClientGone;
}

/** Called once: with undefined when the response was delivered, or with what went wrong. */
export type ForwardDone = (failure: GatewayError | undefined, responded: boolean) => void;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  request: ForwardRequest,
  done: ForwardDone,
): void {
  if (request.expectContinue) res.writeContinue();
  const body = hasBody(req) ? req : null;
  request.dispatcher.stream(
    {
      path: request.path,
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: request.headers,
      body,
      signal: request.signal,
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, clientHeaders(headers, request.requestId));
      return res;
    },
    (error) => {
      if (error === null) done(undefined, true);
      else done(upstreamFailure(error), res.headersSent);
    },
  );
}
