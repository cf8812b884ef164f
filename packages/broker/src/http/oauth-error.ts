// Turns any failure into an RFC 6749 §5.2 error body plus rolegate's stable code. The caller gets
// the code's fixed description; the precise reason (BrokerError.message) goes only to the log.
import { isIdentityError } from '@rolegate/identity';
import type { FastifyReply } from 'fastify';
import { BrokerError } from '../errors/broker-error.ts';
import { noteOutcome } from './request-log.ts';

export interface OAuthErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly rolegate_code: string;
}

/** The broker's answer to `error`: its own refusals and identity's login refusals as they are. */
export function toBrokerError(error: unknown): BrokerError {
  if (error instanceof BrokerError) return error;
  if (isIdentityError(error)) {
    return new BrokerError(error.code, error.message, {
      cause: error,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
  return new BrokerError('broker.internal', (error as Error)?.message, { cause: error });
}

export function sendOAuthError(reply: FastifyReply, error: BrokerError): FastifyReply {
  const body: OAuthErrorBody = {
    error: error.spec.wire ?? 'server_error',
    error_description: error.spec.description,
    rolegate_code: error.code,
  };
  noteOutcome(reply.request, { code: error.code });
  reply.code(error.status).header('cache-control', 'no-store');
  if (error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.send(body);
}
