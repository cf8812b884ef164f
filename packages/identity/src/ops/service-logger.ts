// The one log shape of rolegate's servers. The broker and the gateway both log through this, so an
// operator's log pipeline parses one format: the same base fields on every line (`service`,
// `version`, `pid`, `hostname`), the time as an ISO 8601 string (readable, and sortable as text),
// and pino's numeric levels with a `levelName` beside them (a number for tools that filter by
// threshold, a word for people and for pipelines that map it to a severity).

import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export interface ServiceLoggerOptions {
  /** `rolegate-broker`, `rolegate-gateway`: the `service` field of every line. */
  readonly service: string;
  /** The package version of the running server: the `version` field of every line. */
  readonly version: string;
  readonly level: string;
  /** Paths pino replaces with `[redacted]`, wherever a credential could appear. */
  readonly redact: readonly string[];
  /** Serializers beyond the shared `err` one. */
  readonly serializers?: LoggerOptions['serializers'];
}

/** The fields every line of every rolegate server carries, besides `level`, `time` and `msg`. */
export const LOG_BASE_FIELDS = ['service', 'version', 'pid', 'hostname'] as const;

export function createServiceLogger(
  options: ServiceLoggerOptions,
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      base: {
        service: options.service,
        version: options.version,
        pid: process.pid,
        hostname: hostname(),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label, number) => ({ level: number, levelName: label }) },
      redact: { paths: [...options.redact], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, ...options.serializers },
    },
    destination,
  );
}
