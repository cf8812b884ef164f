// One error class for every refusal, with the stable code on the class and the instance, and the
// translations from the errors of the packages the gateway builds on. `message` is the precise
// reason, for the log only; an answer carries only the code's fixed description.

import { RolegateError } from '@rolegate/core';
import type { IdentityError, IdentityErrorCode } from '@rolegate/identity';
import type { VerifyError } from '@rolegate/verify';
import { GATEWAY_ERRORS, type GatewayErrorCode } from './codes.ts';

export class GatewayError extends RolegateError<GatewayErrorCode> {
  static override readonly registry = GATEWAY_ERRORS;
}

export const isGatewayError = (value: unknown): value is GatewayError =>
  value instanceof GatewayError;

/** Every verify code is a gateway code of the same name and meaning (a test pins this). */
export function fromVerifyError(error: VerifyError): GatewayError {
  return new GatewayError(error.code, error.message, {
    cause: error,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

// The broker's finer codes fold into a few gateway ones: the client needs to know whether to make
// a new proof (401), or retry later (503, or 429 when its account holds its replay-cache quota);
// the broker code stays in the log through `cause`.
function stsCodeFor(code: IdentityErrorCode): GatewayErrorCode {
  if (code === 'proof.replayed') return 'sts.proof_replayed';
  if (code === 'replay.account_quota') return 'sts.account_quota';
  if (code.startsWith('proof.')) return 'sts.proof_invalid';
  if (code.startsWith('identity.')) return 'sts.principal_not_allowed';
  switch (code) {
    case 'sts.signature_mismatch':
    case 'sts.invalid_client_token':
    case 'sts.expired_token':
    case 'sts.rejected':
      return 'sts.rejected';
    default:
      // Throttling, timeouts, untrustworthy answers, a full replay cache: never "bad credentials".
      return 'sts.unavailable';
  }
}

export function fromIdentityError(error: IdentityError): GatewayError {
  const code = stsCodeFor(error.code);
  return new GatewayError(code, `${error.code}: ${error.message}`, {
    cause: error,
    retryAfterSeconds:
      code === 'sts.unavailable' || code === 'sts.account_quota'
        ? (error.retryAfterSeconds ?? 1)
        : undefined,
  });
}

/**
 * A refused TLS client certificate: 401, or 503 when the gateway's own CRL is out of date (not the
 * caller's fault). The broker's precise code leads the message, for the log.
 */
export function fromCertificateError(error: IdentityError): GatewayError {
  const unavailable = error.spec.status >= 500;
  return new GatewayError(
    unavailable ? 'certificate.unavailable' : 'certificate.invalid',
    `${error.code}: ${error.message}`,
    { cause: error, retryAfterSeconds: unavailable ? 30 : undefined },
  );
}
