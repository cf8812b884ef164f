// One JSON line per request: which service, who called, what was decided, what the client got and
// how long it took. Never headers, never the query string, never a credential: the path is the
// normalised one the policy saw (or `-` when the request was refused before it was known). The
// fields the broker's request line also has are written under identity's shared names; the routed
// service is `targetService`, because `service` is the server's own name on every line.

import { logRequest, roundMs } from '@rolegate/identity';
import type { Logger } from 'pino';
import type { GatewayErrorCode } from '../errors/codes.ts';
import type { DecisionLabel } from './metrics.ts';

export interface AccessRecord {
  readonly requestId: string;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** The caller's session ARN, `Anonymous`, or `-` when not established. */
  readonly principal: string;
  readonly decision: DecisionLabel | '-';
  readonly status: number;
  readonly code: GatewayErrorCode | undefined;
  readonly latencyMs: number;
  readonly sourceIp: string | undefined;
  /** The precise reason of a refusal, for operators (never sent to the client). */
  readonly reason?: string | undefined;
}

export function logAccess(logger: Logger, record: AccessRecord): void {
  logRequest(
    logger,
    {
      requestId: record.requestId,
      method: record.method,
      path: record.path,
      status: record.status,
      durationMs: roundMs(record.latencyMs),
      principal: record.principal,
      code: record.code,
      sourceIp: record.sourceIp,
    },
    { targetService: record.service, decision: record.decision, reason: record.reason },
  );
}
