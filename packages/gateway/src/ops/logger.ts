// pino, with every place a credential could appear redacted: tokens, proofs and signatures never
// reach a log line, even when a debug statement logs a whole header set. The access log itself
// never carries headers or the query string (a client may put a credential in either). The base
// fields, time and level format are @rolegate/identity's, the same as the broker's.

import { createRequire } from 'node:module';
import { createServiceLogger } from '@rolegate/identity';
import type { DestinationStream, Logger } from 'pino';

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

// From src/ops/ and dist/ops/ alike, the package's own manifest is two folders up.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function createGatewayLogger(level: string, destination?: DestinationStream): Logger {
  return createServiceLogger(
    { service: 'rolegate-gateway', version, level, redact: GATEWAY_REDACTED_PATHS },
    destination,
  );
}
