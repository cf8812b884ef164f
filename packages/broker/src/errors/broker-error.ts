import { RolegateError, type RolegateErrorOptions } from '@rolegate/core';
import { BROKER_ERRORS, type BrokerErrorCode } from './codes.ts';

/**
 * A refusal with a stable code. `message` is the precise reason for the log and is never sent
 * to the caller. Login refusals raised by @rolegate/identity (IdentityError) carry codes of the
 * same registry and are answered alike.
 */
export class BrokerError extends RolegateError<BrokerErrorCode> {
  constructor(code: BrokerErrorCode, message?: string, options?: RolegateErrorOptions) {
    super(BROKER_ERRORS, code, message, options);
  }
}

export function isBrokerError(value: unknown): value is BrokerError {
  return value instanceof BrokerError;
}
