// Prometheus metrics on a registry of the broker's own (not prom-client's global one), so two
// brokers in one process — as in tests — never share counters.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly tokenRequests = new Counter({
    name: 'rolegate_token_requests_total',
    help: 'Token requests by outcome (issued or the rolegate error code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly tokenDuration = new Histogram({
    name: 'rolegate_token_request_duration_seconds',
    help: 'Time to answer a token request',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly stsDuration = new Histogram({
    name: 'rolegate_sts_request_duration_seconds',
    help: 'Time STS took to answer GetCallerIdentity, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
