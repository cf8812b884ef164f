// The listeners' request, upgrade and 100-continue handlers: admit (admit.ts), then forward
// (proxy/forward.ts, proxy/upgrade.ts), or answer the refusal. Each request takes the runtime that
// is current when it arrives and keeps it to the end. Every request ends in exactly one access-log
// line and one set of metrics, however it ends — and, for OpenTelemetry, one server span whose
// children are the steps (tracing/request-spans.ts).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import { isStsProof } from '../identity/credential.ts';
import type { GatewayMetrics } from '../ops/metrics.ts';
import { ClientGone, forward } from '../proxy/forward.ts';
import { gatewayHeaders, plainIp } from '../proxy/gateway-headers.ts';
import { upstreamHeaders } from '../proxy/request-headers.ts';
import { forwardUpgrade } from '../proxy/upgrade.ts';
import type { Runtime } from '../runtime/runtime.ts';
import {
  finishRequestTrace,
  finishUpstreamTrace,
  inRequestTrace,
  startRequestTrace,
  startUpstreamTrace,
  withTraceHeaders,
} from '../tracing/request-spans.ts';
import { type Admission, admit } from './admit.ts';
import { refusalAnswer, sendRefusal, writeRawRefusal } from './refusal.ts';
import { RequestState } from './request-state.ts';

export interface HandlerDeps {
  /** The runtime in force now. */
  readonly runtime: () => Runtime;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

/** The request a socket is serving, so a parser error or timeout on it is logged as that request. */
export const activeRequests = new WeakMap<Socket, { state: RequestState; res: ServerResponse }>();

/** Status logged for a request whose client left before any answer (nginx's convention). */
const CLIENT_GONE = 499;

function asGatewayError(error: unknown, logger: Logger): GatewayError {
  if (isGatewayError(error)) return error;
  logger.error({ err: error }, 'unexpected error while handling a request');
  return new GatewayError('gateway.internal', (error as Error)?.message ?? String(error), {
    cause: error,
  });
}

/**
 * The credential the upstream receives: a verified bearer token where the service forwards tokens,
 * and on a pass-through service whatever the client sent — except an STS proof, which is never
 * forwarded: whoever reads it could redeem it at another service for the rest of its life.
 */
function forwardedAuthorization(admission: Admission): string | undefined {
  const { service, caller, request } = admission;
  if (caller?.kind === 'jwt' && service.forwardToken) return request.authorization;
  if (service.mode !== 'pass-through' || request.authorization === undefined) return undefined;
  return isStsProof(request.authorization) ? undefined : request.authorization;
}

function headersFor(
  req: IncomingMessage,
  admission: Admission,
  state: RequestState,
  runtime: Runtime,
) {
  return upstreamHeaders(admission.request.headers, {
    authorization: forwardedAuthorization(admission),
    host: admission.service.preserveHost ? admission.request.host?.header : undefined,
    added: gatewayHeaders(req, admission, state.requestId, runtime.config.orgIds),
  });
}

export function createRequestHandlers(deps: HandlerDeps) {
  const { logger, metrics } = deps;

  const start = (req: IncomingMessage): RequestState =>
    new RequestState(randomUUID(), req.method ?? '', plainIp(req.socket.remoteAddress));

  function refuse(res: ServerResponse, error: unknown, state: RequestState, runtime: Runtime) {
    const failure = asGatewayError(error, logger);
    state.refused(failure.code, failure.message);
    if (res.destroyed) return;
    const answer = refusalAnswer(failure, state.requestId, runtime.challenge);
    // An unread body from a refused client is not worth reading: close instead of draining it.
    if (!res.req.complete) answer.headers.connection = 'close';
    sendRefusal(res, answer);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse, expectContinue = false): void {
    const runtime = deps.runtime();
    const state = start(req);
    const requestTrace = startRequestTrace(req);
    const active = { state, res };
    const gone = new ClientGone();
    activeRequests.set(req.socket, active);
    // One listener for both jobs: `close` comes after a normal finish too, and only an unfinished
    // response means the client left (then the upstream request is abandoned).
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
      if (activeRequests.get(req.socket) === active) activeRequests.delete(req.socket);
      const status = res.headersSent ? res.statusCode : CLIENT_GONE;
      state.finish(status, logger, metrics);
      finishRequestTrace(requestTrace, status, state);
    });
    const send = (admission: Admission) => {
      const { service, request } = admission;
      const upstreamTrace = startUpstreamTrace(requestTrace, req, service.name, request.url);
      forward(
        req,
        res,
        {
          dispatcher: service.upstream.dispatcher,
          path: request.url,
          headers: withTraceHeaders(headersFor(req, admission, state, runtime), upstreamTrace),
          requestId: state.requestId,
          expectContinue,
          signal: gone,
        },
        (failure, responded) => {
          finishUpstreamTrace(upstreamTrace, responded ? res.statusCode : undefined, failure?.code);
          if (failure === undefined) return;
          if (gone.aborted && !responded) {
            state.reason = `client went away: ${failure.message}`;
            return;
          }
          state.refused(failure.code, failure.message);
          if (responded) res.destroy();
          else refuse(res, failure, state, runtime);
        },
      );
    };
    let admission: Admission | Promise<Admission>;
    try {
      admission = inRequestTrace(requestTrace, () => admit(req, runtime, state));
    } catch (error) {
      refuse(res, error, state, runtime);
      return;
    }
    if (admission instanceof Promise) {
      admission.then(send, (error: unknown) => refuse(res, error, state, runtime));
    } else {
      send(admission);
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const runtime = deps.runtime();
    const state = start(req);
    socket.on('error', () => socket.destroy());
    const fail = (error: unknown) => {
      const failure = asGatewayError(error, logger);
      state.refused(failure.code, failure.message);
      const answer = refusalAnswer(failure, state.requestId, runtime.challenge);
      writeRawRefusal(socket, answer);
      state.finish(answer.status, logger, metrics);
    };
    Promise.resolve()
      .then(() => admit(req, runtime, state))
      .then(async (admission) => {
        const failure = await forwardUpgrade(req, socket, head, {
          dispatcher: admission.service.upstream.dispatcher,
          path: admission.request.url,
          headers: headersFor(req, admission, state, runtime),
          requestId: state.requestId,
        });
        if (failure === undefined) state.finish(101, logger, metrics);
        else fail(failure);
      })
      .catch(fail);
  }

  return {
    onRequest: (req: IncomingMessage, res: ServerResponse) => onRequest(req, res),
    /** `Expect: 100-continue`: the client's body is only asked for once the request is admitted. */
    onCheckContinue: (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true),
    onUpgrade,
  };
}
