import { RolegateError } from '@rolegate/core';
import { BROKER_ERRORS, type BrokerErrorCode } from './codes.ts';

/**
 * A refusal with a stable code. `message` is the precise reason for the log and is never sent
 * to the caller. Login refusals raised by @rolegate/identity (IdentityError) carry codes of the
 * same registry and are answered alike.
 */
export class BrokerError extends RolegateError<BrokerErrorCode> {
  static override readonly registry = BROKER_ERRORS;
}

export const isBrokerError = (value: unknown): value is BrokerError => value instanceof BrokerError;
