// pino, with every place a credential could appear redacted: tokens, proofs and signatures never
// reach a log line, even when a debug statement logs a whole header set. The access log itself
// never carries headers or the query string (a client may put a credential in either).

import pino, { type DestinationStream, type Logger } from 'pino';

export const GATEWAY_REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  'proof',
  'credential',
  '*.token',
  '*.proof',
  '*.credential',
];

export function createGatewayLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // `name`, not a `service` base field: access lines carry the routed service as `service`.
      name: 'rolegate-gateway',
      redact: { paths: GATEWAY_REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
