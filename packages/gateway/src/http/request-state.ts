// What the gateway learns about one request as it goes — which service, who called, what was
// decided, how it ended — and the single place that turns it into the access-log line and the
// metrics once the answer is over (or the connection is gone).

import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { GatewayErrorCode } from '../errors/codes.ts';
import { logAccess } from '../ops/access-log.ts';
import { type DecisionLabel, type GatewayMetrics, NO_SERVICE } from '../ops/metrics.ts';

export class RequestState {
  readonly started = performance.now();
  service: string = NO_SERVICE;
  path = '-';
  principal = '-';
  decision: DecisionLabel | '-' = '-';
  code: GatewayErrorCode | undefined;
  reason: string | undefined;
  #done = false;

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly sourceIp: string | undefined,
  ) {}

  /** Records a refusal: its code for metrics and log, its precise reason for the log only. */
  refused(code: GatewayErrorCode, reason: string): void {
    this.code = code;
    this.reason = reason;
  }

  /** Logs and counts the request once, however many ways it ends. */
  finish(status: number, logger: Logger, metrics: GatewayMetrics): void {
    if (this.#done) return;
    this.#done = true;
    const elapsedMs = performance.now() - this.started;
    const service = metrics.service(this.service);
    if (this.code !== undefined) service.refusal(this.code);
    service.duration(elapsedMs / 1000);
    logAccess(logger, {
      requestId: this.requestId,
      service: this.service,
      method: this.method,
      path: this.path,
      principal: this.principal,
      decision: this.decision,
      status,
      code: this.code,
      latencyMs: Math.round(elapsedMs * 1000) / 1000,
      sourceIp: this.sourceIp,
      reason: this.reason,
    });
  }
}
