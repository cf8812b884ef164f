// pino with every place a secret could appear redacted: proofs, tokens, signatures and session
// tokens never reach a log line, even when a debug statement logs a whole body or header set.
import pino, { type Logger } from 'pino';

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
    },
    destination,
  );
}
