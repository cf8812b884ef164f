// The gateway's overload shedding: @rolegate/identity's guard (requests in flight, event-loop
// delay, memory) in front of the request, 100-continue and upgrade handlers — the first thing a
// request meets, before the runtime, the canonical reading or any credential check. A shed request
// is answered `503 gateway.overloaded` with Retry-After, in the refusal shape of every other
// gateway answer, and counted (not access-logged: see identity's shed-requests.ts); a summary line
// is logged at `warn` at most every 10 s while requests are shed. The admin listener is a server
// of its own and is never shed; /readyz does not turn 503 under overload (an orchestrator would
// pull the instance and push its load onto the others, which are likely overloaded too).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  compileShedAnswer,
  guardRequests,
  guardUpgrades,
  OverloadGuard,
  type OverloadOptions,
  SHED_REASONS,
  SHED_RETRY_AFTER_SECONDS,
  type ShedReason,
} from '@rolegate/identity';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GatewayConfig } from '../config/schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { type Challenge, refusalAnswer, writeRawRefusal } from './refusal.ts';
import type { createRequestHandlers } from './request-handler.ts';

type Handlers = ReturnType<typeof createRequestHandlers>;

/** Stands for each shed answer's request id in the compiled answer (a UUID's shape). */
const REQUEST_ID_PLACEHOLDER = '00000000-0000-4000-8000-00000000f00d';

/** One error for every shed answer: built once, so shedding allocates no Error (nor its stack). */
const OVERLOADED = new GatewayError('gateway.overloaded', 'overloaded', {
  retryAfterSeconds: SHED_RETRY_AFTER_SECONDS,
});

export function createOverloadGuard(
  limits: GatewayConfig['limits'],
  logger: Logger,
  registry: Registry,
  seams: Pick<OverloadOptions, 'minCpuShare'> = {},
): OverloadGuard {
  const guard = new OverloadGuard({
    ...seams,
    maxInFlight: limits.maxInFlight,
    maxEventLoopDelayMs: limits.maxEventLoopDelayMs,
    maxRssBytes: limits.maxRssBytes,
    maxQueueMs: limits.maxQueueMs,
    onReport: (report) => logger.warn(report, 'overloaded: requests shed'),
  });
  new Counter({
    name: 'rolegate_gateway_requests_shed_total',
    help: 'Requests answered 503 gateway.overloaded before any work, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    // Counted as plain numbers by the guard and read here at scrape time: nothing per request.
    collect() {
      this.reset();
      for (const reason of SHED_REASONS) this.inc({ reason }, guard.shed[reason]);
    },
  });
  new Gauge({
    name: 'rolegate_gateway_requests_in_flight',
    help: 'Requests admitted and not yet answered',
    registers: [registry],
    collect() {
      this.set(guard.inFlight);
    },
  });
  return guard;
}

/**
 * The gateway's handlers behind `guard`. `shedHeaders` go on every shed answer besides the refusal
 * shape's own (forward auth adds its error-code header and forbids caching the answer).
 */
export function guardHandlers(
  guard: OverloadGuard,
  handlers: Handlers,
  challenge: () => Challenge,
  shedHeaders: Readonly<Record<string, string>> = {},
): Handlers {
  // The refusal shape of every other answer, compiled once (a 503 carries no challenge).
  const template = refusalAnswer(OVERLOADED, REQUEST_ID_PLACEHOLDER, challenge());
  const shed = compileShedAnswer({
    headers: { ...flatHeaders(template.headers), ...shedHeaders },
    body: template.body,
    requestIdPlaceholder: REQUEST_ID_PLACEHOLDER,
  });
  const shedUpgrade = (_req: IncomingMessage, socket: Duplex, _reason: ShedReason) => {
    socket.on('error', () => socket.destroy());
    writeRawRefusal(socket, refusalAnswer(OVERLOADED, randomUUID(), challenge()));
  };
  return {
    onRequest: guardRequests(guard, handlers.onRequest, shed),
    onCheckContinue: guardRequests(guard, handlers.onCheckContinue, shed),
    onUpgrade: guardUpgrades(guard, handlers.onUpgrade, shedUpgrade),
  };
}

/** A 503's headers are single-valued (only a 401 carries a list: its challenges). */
function flatHeaders(headers: Readonly<Record<string, string | string[]>>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string')
      throw new Error(`a shed answer's ${name} header has many values`);
    flat[name] = value;
  }
  return flat;
}
