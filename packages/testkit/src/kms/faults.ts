// Fault knobs: a slow, throttled, failing or silent KMS, so that a signer's timeouts, concurrency
// limit, retries with jitter and 503 answers can be tested. Read on every request, so tests can
// change them while the emulator runs.
import { randomInt } from 'node:crypto';
import { KMS_MESSAGES, KmsError } from './kms-error.ts';

export interface KmsFaults {
  /** Wait this long before answering (any answer, faulty or not). */
  latencyMs?: number;
  /** 0..1: fraction of requests answered 400 ThrottlingException "Rate exceeded". */
  throttleRate?: number;
  /** 0..1: fraction answered 500 KMSInternalException. */
  serverErrorRate?: number;
  /** Accept the request and never answer (for timeout tests); close() still ends it. */
  hang?: boolean;
  /**
   * Limit every knob above to these operations (e.g. `['Sign']`, so GetPublicKey still works).
   * Default: all operations.
   */
  operations?: readonly string[];
}

/** Whether the knobs apply to a request for this operation (`undefined`: no X-Amz-Target). */
export function faultsApply(faults: KmsFaults, operation: string | undefined): boolean {
  return faults.operations === undefined || faults.operations.includes(operation ?? '');
}

// Uniform in [0, 1) from the CSPRNG; rates of 0 and 1 are exact.
function chance(rate: number | undefined): boolean {
  if (rate === undefined || rate <= 0) return false;
  return randomInt(1_000_000) < rate * 1_000_000;
}

/** The error these knobs call for before the request is looked at, if any. */
export function faultError(faults: KmsFaults): KmsError | undefined {
  if (chance(faults.throttleRate))
    return new KmsError('ThrottlingException', KMS_MESSAGES.throttled);
  if (chance(faults.serverErrorRate)) {
    return new KmsError('KMSInternalException', KMS_MESSAGES.internal);
  }
  return undefined;
}
