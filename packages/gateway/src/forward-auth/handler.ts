// One forward-auth decision: the proxy is checked (trust.ts), the original request is read from
// what it sent (original-request.ts) with the gateway's one reading, and then admitted exactly as
// the proxy mode admits a request (http/admit.ts: routing, the one-value checks, the caller, the
// policy tiers, the replay cache) — only the answer differs (answer.ts). Each decision is one
// access-log line, one set of metrics and one server span, like a proxied request.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type {
  ForwardAuthConfig,
  ForwardAuthListenerConfig,
} from '../config/forward-auth-schema.ts';
import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import { type Admission, admitRead } from '../http/admit.ts';
import { readRequest } from '../http/canonical-request.ts';
import { refusalAnswer, writeRawRefusal } from '../http/refusal.ts';
import { RequestState } from '../http/request-state.ts';
import type { GatewayMetrics } from '../ops/metrics.ts';
import { plainIp } from '../proxy/gateway-headers.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { finishRequestTrace, inRequestTrace, startRequestTrace } from '../tracing/request-spans.ts';
import { identityAnswerHeaders, sendAllow, sendForwardAuthRefusal } from './answer.ts';
import { cacheSeconds } from './decision-cache.ts';
import { readOriginal } from './original-request.ts';
import type { ProxyTrust } from './trust.ts';

export interface ForwardAuthDeps {
  readonly runtime: () => Runtime;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly config: ForwardAuthConfig;
  readonly trust: ProxyTrust;
}

/** Status logged for a request whose client left before any answer (nginx's convention). */
const CLIENT_GONE = 499;

/** A forward-auth request should carry no body; one that does is not read, and its connection closes. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export function createForwardAuthHandlers(
  deps: ForwardAuthDeps,
  listener: ForwardAuthListenerConfig,
) {
  const { metrics, trust, config } = deps;
  // Every line says which door the decision came through.
  const logger = deps.logger.child({ listener: 'forward-auth' });
  const unixSocket = listener.socket !== undefined;

  function asGatewayError(error: unknown): GatewayError {
    if (isGatewayError(error)) return error;
    logger.error({ err: error }, 'unexpected error while deciding a forward-auth request');
    return new GatewayError('gateway.internal', (error as Error)?.message ?? String(error), {
      cause: error,
    });
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const runtime = deps.runtime();
    const requestId = randomUUID();
    const peer = plainIp(req.socket.remoteAddress);
    let state = new RequestState(requestId, req.method ?? '', peer);
    const requestTrace = startRequestTrace(req);
    const close = hasBody(req);
    res.once('close', () => {
      const status = res.headersSent ? res.statusCode : CLIENT_GONE;
      state.finish(status, logger, metrics);
      finishRequestTrace(requestTrace, status, state);
    });
    const refuse = (error: unknown) => {
      const failure = asGatewayError(error);
      state.refused(failure.code, failure.message);
      if (!res.destroyed) sendForwardAuthRefusal(res, failure, requestId, runtime.challenge, close);
    };
    const allow = (admission: Admission) => {
      if (res.destroyed) return;
      const identity = identityAnswerHeaders(req, admission, requestId, runtime.config.orgIds);
      sendAllow(
        res,
        identity,
        cacheSeconds(admission, config.decisionCacheSeconds, Date.now()),
        close,
      );
    };
    let admission: Admission | Promise<Admission>;
    try {
      trust.check(req, unixSocket);
      const original = readOriginal(req, listener, trust.secretHeader);
      // From here the log line describes the original request (its method, its caller's address).
      state = new RequestState(
        requestId,
        original.view.method ?? '',
        plainIp(original.origin.remoteAddress) ?? peer,
      );
      admission = inRequestTrace(requestTrace, () =>
        admitRead(
          readRequest(original.view, runtime.config),
          original.origin,
          req.socket,
          // The proxy's connection is not the caller's: no client certificate is read from it.
          undefined,
          runtime,
          state,
        ),
      );
    } catch (error) {
      refuse(error);
      return;
    }
    if (admission instanceof Promise) admission.then(allow, refuse);
    else allow(admission);
  }

  /** An Upgrade is not a question a proxy asks: refused, on the raw socket. */
  function onUpgrade(req: IncomingMessage, socket: Duplex): void {
    const runtime = deps.runtime();
    const state = new RequestState(
      randomUUID(),
      req.method ?? '',
      plainIp(req.socket.remoteAddress),
    );
    socket.on('error', () => socket.destroy());
    const failure = new GatewayError('forwardauth.bad_original', 'an Upgrade request');
    state.refused(failure.code, failure.message);
    const answer = refusalAnswer(failure, state.requestId, runtime.challenge);
    writeRawRefusal(socket, { ...answer, status: 403 });
    state.finish(403, logger, metrics);
  }

  return { onRequest, onCheckContinue: onRequest, onUpgrade };
}
