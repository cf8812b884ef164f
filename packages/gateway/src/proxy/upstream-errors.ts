// What an upstream failure means for the client: 504 when the upstream did not answer in time
// (connect or response-headers timeout), 502 for everything else (refused, reset, unreachable, a
// malformed answer). Only failures before the response started come here; later ones can only cut
// the response short.

import { GatewayError } from '../errors/gateway-error.ts';

const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

export function upstreamFailure(error: unknown): GatewayError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = `${typeof code === 'string' ? code : 'error'}: ${(error as Error)?.message ?? String(error)}`;
  if (typeof code === 'string' && TIMEOUTS.has(code)) {
    return new GatewayError('upstream.timeout', detail, { cause: error });
  }
  return new GatewayError('upstream.unavailable', detail, { cause: error });
}
