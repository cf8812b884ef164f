// The broker's overload shedding: @rolegate/identity's guard (requests in flight, event-loop delay,
// memory) put in front of Fastify's own request handler on the token port — before routing, the
// rate limiter, the body parser, the proof checks, STS and signing. A shed request is answered
// `503 broker.overloaded` (RFC 6749 `temporarily_unavailable`) with Retry-After, counted, and not
// logged line by line; a summary line is logged at `warn` at most every 10 s while requests are
// shed. /healthz, /readyz and /metrics are never shed: the admin listener is a server of its own,
// and on the token port (`opsOnMainPort`) those paths pass the guard. /readyz does not turn 503
// under overload: an orchestrator would pull the broker and push its load onto the others.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { compileShedAnswer, guardRequests, OverloadGuard, SHED_REASONS } from '@rolegate/identity';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BrokerConfig } from '../config/schema.ts';
import { BROKER_ERRORS } from '../errors/codes.ts';
import type { OAuthErrorBody } from './oauth-error.ts';

const OPS_PATH = /^\/(?:healthz|readyz|metrics)(?:\?|$)/;

const SPEC = BROKER_ERRORS['broker.overloaded'];
/** The same for every shed request: built once. */
const SHED_ANSWER = compileShedAnswer({
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({
    error: SPEC.wire,
    error_description: SPEC.description,
    rolegate_code: 'broker.overloaded',
  } satisfies OAuthErrorBody),
});

export function createOverloadGuard(
  limits: BrokerConfig['limits'],
  logger: Logger,
  registry: Registry,
): OverloadGuard {
  const guard = new OverloadGuard({
    maxInFlight: limits.maxInFlight,
    maxEventLoopDelayMs: limits.maxEventLoopDelayMs,
    maxRssBytes: limits.maxRssBytes,
    maxQueueMs: limits.maxQueueMs,
    onReport: (report) => logger.warn(report, 'overloaded: requests shed'),
  });
  new Counter({
    name: 'rolegate_requests_shed_total',
    help: 'Requests answered 503 broker.overloaded before any work, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    // Counted as plain numbers by the guard and read here at scrape time: nothing per request.
    collect() {
      this.reset();
      for (const reason of SHED_REASONS) this.inc({ reason }, guard.shed[reason]);
    },
  });
  new Gauge({
    name: 'rolegate_requests_in_flight',
    help: 'Requests on the token port admitted and not yet answered',
    registers: [registry],
    collect() {
      this.set(guard.inFlight);
    },
  });
  return guard;
}

/**
 * Puts `guard` in front of the request handler Fastify gave `server` (Fastify registers exactly
 * one; anything else means Fastify changed, and the broker refuses to start rather than run
 * unguarded).
 */
export function shedOverload(server: Server, guard: OverloadGuard, opsOnMainPort: boolean): void {
  const handlers = server.listeners('request') as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  if (handlers.length !== 1 || handlers[0] === undefined)
    throw new Error(
      `expected one request handler on the broker's server, found ${handlers.length}`,
    );
  const handler = handlers[0];
  const exempt = opsOnMainPort ? (req: IncomingMessage) => OPS_PATH.test(req.url ?? '') : undefined;
  server.removeListener('request', handler);
  server.on('request', guardRequests(guard, handler, SHED_ANSWER, exempt));
}
