import { type BrokerErrorCode, ERROR_CODES, type ErrorSpec } from './codes.ts';

/**
 * A refusal with a stable code. `detail` is the precise reason for the log and is never sent to
 * the caller (it may name hosts, parameters or STS's own message).
 */
export class BrokerError extends Error {
  readonly code: BrokerErrorCode;
  readonly spec: ErrorSpec;
  readonly retryAfterSeconds?: number;

  constructor(
    code: BrokerErrorCode,
    detail?: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(
      detail ?? ERROR_CODES[code].description,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'BrokerError';
    this.code = code;
    this.spec = ERROR_CODES[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isBrokerError(value: unknown): value is BrokerError {
  return value instanceof BrokerError;
}
