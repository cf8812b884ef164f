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

// The level formatter of every service logger; pino hands it on to child loggers, so finding it on
// a logger says the logger (or its parent) was made here and writes lines of the shape above.
const serviceLevels = (label: string, number: number) => ({ level: number, levelName: label });

/**
 * Whether `logger` writes exactly the lines createServiceLogger's do, so a line may be written to its
 * destination by hand (request-log.ts): made here (or a child of such a logger, which inherits the
 * formatters and time), no message prefix or mixin added since, and a destination that does not
 * route by level (pino's multistream reads the level pino itself records on the stream).
 */
export function isServiceLogger(logger: Logger): boolean {
  // msgPrefixSym exists at run time (pino 10) but is missing from pino's type of `symbols`.
  const symbols = pino.symbols as typeof pino.symbols & { readonly msgPrefixSym: symbol };
  const internals = logger as unknown as Record<symbol, unknown>;
  const formatters = internals[symbols.formattersSym] as { level?: unknown } | undefined;
  const stream = internals[symbols.streamSym] as Record<symbol, unknown> | undefined;
  return (
    formatters?.level === serviceLevels &&
    internals[symbols.timeSym] === pino.stdTimeFunctions.isoTime &&
    internals[symbols.messageKeySym] === 'msg' &&
    internals[symbols.msgPrefixSym] === undefined &&
    internals[symbols.mixinSym] === undefined &&
    stream !== undefined &&
    stream[symbols.needsMetadataGsym] !== true
  );
}

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
      formatters: { level: serviceLevels },
      redact: { paths: [...options.redact], censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, ...options.serializers },
    },
    destination,
  );
}
