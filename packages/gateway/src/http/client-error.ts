// Requests Node's parser refuses before any handler sees them — request-smuggling shapes
// (Content-Length with Transfer-Encoding, two Content-Lengths, obs-fold), oversized heads, heads
// or bodies that arrive too slowly — answered as gateway refusals with a stable code, logged and
// counted like every other request, and the connection closed (after a parse error nothing more
// on it can be trusted).

import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayErrorCode } from '../errors/codes.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { GatewayMetrics } from '../ops/metrics.ts';
import { plainIp } from '../proxy/gateway-headers.ts';
import type { Challenge } from './refusal.ts';
import { refusalAnswer, writeRawRefusal } from './refusal.ts';
import { activeRequests } from './request-handler.ts';
import { RequestState } from './request-state.ts';

function codeFor(error: NodeJS.ErrnoException): GatewayErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'request.headers_too_large';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request.timeout';
  return 'request.malformed';
}

export function createClientErrorHandler(deps: {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly challenge: () => Challenge;
}) {
  return function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const active = activeRequests.get(socket);
    const state =
      active?.state ?? new RequestState(randomUUID(), '-', plainIp(socket.remoteAddress));
    const failure = new GatewayError(codeFor(error), `${error.code ?? 'error'}: ${error.message}`);
    state.refused(failure.code, failure.message);
    // A response already under way cannot be replaced: cut it.
    if (active?.res.headersSent === true) {
      socket.destroy();
      state.finish(0, deps.logger, deps.metrics);
      return;
    }
    const answer = refusalAnswer(failure, state.requestId, deps.challenge());
    writeRawRefusal(socket, answer);
    state.finish(answer.status, deps.logger, deps.metrics);
  };
}
