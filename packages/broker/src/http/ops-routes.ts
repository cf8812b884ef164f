// Liveness, readiness and metrics. Readiness means "can issue a token now": the key ring is loaded
// and the active key passed a signing self-test at start.
import type { FastifyInstance } from 'fastify';
import type { BrokerMetrics } from './metrics.ts';

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: { metrics: BrokerMetrics; isReady: () => boolean },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = deps.isReady();
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready' };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
