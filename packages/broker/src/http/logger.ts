// pino with every place a secret could appear redacted: proofs, tokens, signatures and session
// tokens never reach a log line, even when a debug statement logs a whole body or header set.
import pino, { type Logger, stdSerializers } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rolegate-broker' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Our own request serializer: the path without its query string (a client that puts a proof
      // in the query must not leave a redeemable proof in the log), and no headers at all.
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
          remoteAddress: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: stdSerializers.err,
      },
    },
    destination,
  );
}
