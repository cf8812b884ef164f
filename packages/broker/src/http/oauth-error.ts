// Turns any failure into an RFC 6749 §5.2 error body plus rolegate's stable code. The caller gets
// the code's fixed description; the precise reason (BrokerError.message) goes only to the log.
import type { FastifyReply } from 'fastify';
import { BrokerError } from '../errors/broker-error.ts';

export interface OAuthErrorBody {
  readonly error: string;
  readonly error_description: string;
  readonly rolegate_code: string;
}

export function toBrokerError(error: unknown): BrokerError {
  return error instanceof BrokerError
    ? error
    : new BrokerError('broker.internal', (error as Error)?.message, { cause: error });
}

export function sendOAuthError(reply: FastifyReply, error: BrokerError): FastifyReply {
  const body: OAuthErrorBody = {
    error: error.spec.oauth,
    error_description: error.spec.description,
    rolegate_code: error.code,
  };
  reply.code(error.spec.status).header('cache-control', 'no-store');
  if (error.retryAfterSeconds !== undefined)
    reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.send(body);
}
