// The broker's request line, one per answered request, in @rolegate/identity's shared shape (the
// gateway writes the same fields under the same names). Fastify's own pair of lines ("incoming
// request", "request completed") is turned off in its place. The routes say what only they know —
// who logged in, which rolegate code refused — through noteOutcome, read here when the answer ends.

import { logRequest, roundMs } from '@rolegate/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

interface Outcome {
  principal?: string;
  code?: string;
}

const outcomes = new WeakMap<FastifyRequest, Outcome>();

/** Records the caller's session ARN or the refusal code, for this request's line. */
export function noteOutcome(request: FastifyRequest, outcome: Outcome): void {
  outcomes.set(request, { ...outcomes.get(request), ...outcome });
}

export function registerRequestLog(app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    const outcome = outcomes.get(request);
    // request.log already carries `requestId` (Fastify's requestIdLogLabel), so the root logger
    // writes the line: the field appears once.
    logRequest(logger, {
      requestId: request.id,
      method: request.method,
      path: request.url.split('?')[0] ?? '',
      status: reply.statusCode,
      durationMs: roundMs(reply.elapsedTime),
      principal: outcome?.principal ?? '-',
      code: outcome?.code,
      sourceIp: request.ip,
    });
  });
}
