// pino with every place a secret could appear redacted: proofs, tokens, signatures and session
// tokens never reach a log line, even when a debug statement logs a whole body or header set. The
// base fields, time and level format are @rolegate/identity's, the same as the gateway's.
import { createRequire } from 'node:module';
import { createServiceLogger } from '@rolegate/identity';
import type { DestinationStream, Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'subject_token',
  'access_token',
  '*.subject_token',
  '*.access_token',
  'signature',
  'securityToken',
  '*.signature',
  '*.securityToken',
];

// From src/http/ and dist/http/ alike, the package's own manifest is two folders up.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return createServiceLogger(
    {
      service: 'rolegate-broker',
      version,
      level,
      redact: REDACTED_PATHS,
      // Our own request serializer, should a debug statement log a request: the path without its
      // query string (a client that puts a proof in the query must not leave a redeemable proof
      // in the log), and no headers at all.
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}
