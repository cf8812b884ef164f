// Prometheus metrics on a registry of the gateway's own (never prom-client's global one, so two
// gateways in one process — as in tests — never share counters). Every decision is counted, by
// service and decision; every refusal by service and code; every request's latency by service.
// Label values are bounded: service names come from the config, codes and decisions from fixed
// lists. Labelled children are looked up once and kept, so the hot path only increments.

import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { GatewayErrorCode } from '../errors/codes.ts';

/** A policy decision, or `NotRequired` for a service whose auth type is NONE. */
export type DecisionLabel = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny' | 'NotRequired';

/** The label used for requests that matched no service. */
export const NO_SERVICE = '-';

type Child = { inc(): void };

export interface ServiceMetrics {
  decision(decision: DecisionLabel): void;
  refusal(code: GatewayErrorCode): void;
  /** Seconds from the first byte of the request to the end of the answer. */
  duration(seconds: number): void;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #decisions = new Counter({
    name: 'rolegate_gateway_decisions_total',
    help: 'Authorization decisions by service and decision',
    labelNames: ['service', 'decision'] as const,
    registers: [this.registry],
  });
  readonly #refusals = new Counter({
    name: 'rolegate_gateway_refusals_total',
    help: 'Requests the gateway answered itself with an error, by service and rolegate code',
    labelNames: ['service', 'code'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'rolegate_gateway_request_duration_seconds',
    help: 'Time from request to the end of the answer, by service',
    labelNames: ['service'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #reloads = new Counter({
    name: 'rolegate_gateway_config_reloads_total',
    help: 'Configuration and policy reloads by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly #services = new Map<string, ServiceMetrics>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics of one service (or {@link NO_SERVICE}); the same object every time. */
  service(name: string): ServiceMetrics {
    let metrics = this.#services.get(name);
    if (metrics === undefined) {
      metrics = this.#makeService(name);
      this.#services.set(name, metrics);
    }
    return metrics;
  }

  reload(outcome: 'applied' | 'refused'): void {
    this.#reloads.labels(outcome).inc();
  }

  #makeService(service: string): ServiceMetrics {
    const decisions = new Map<string, Child>();
    const refusals = new Map<string, Child>();
    const cached = (map: Map<string, Child>, key: string, make: () => Child): Child => {
      let child = map.get(key);
      if (child === undefined) {
        child = make();
        map.set(key, child);
      }
      return child;
    };
    const duration = this.#duration.labels(service);
    return {
      decision: (d) => cached(decisions, d, () => this.#decisions.labels(service, d)).inc(),
      refusal: (code) => cached(refusals, code, () => this.#refusals.labels(service, code)).inc(),
      duration: (seconds) => duration.observe(seconds),
    };
  }
}
