// Bounds on what a PKCS#12 bundle may ask of its reader. A bundle is a file from disk that may be
// hostile (or merely broken), and it names its own iteration counts: without a bound, one file
// could hold a refresh for hours. Real bundles stay far below all of these — OpenSSL writes 2,048
// iterations, Java's keytool 10,000, the most cautious guidance some hundreds of thousands.
import { RolegateClientError } from '../errors.ts';

export const PKCS12_LIMITS = {
  /** Iterations of any one key derivation (PBKDF2, or the PKCS#12 KDF). */
  maxIterations: 10_000_000,
  /**
   * Hash rounds for the whole bundle, every derivation and output block counted: the PKCS#12
   * KDF runs in JavaScript at about a microsecond a round, so this bounds a bundle to tens of
   * seconds however its counts are spread.
   */
  maxBundleRounds: 20_000_000,
  /** ContentInfos in the authenticated safe (OpenSSL writes two: certificates, key). */
  maxSafes: 16,
  /** Safe bags over the whole bundle. */
  maxBags: 64,
  /** Bytes of a salt. */
  maxSaltBytes: 1024,
} as const;

/** Counts the hash rounds a bundle has cost so far and refuses to go past the bound. */
export class RoundBudget {
  #left: number = PKCS12_LIMITS.maxBundleRounds;

  /** Checks one derivation's count and takes `iterations × blocks` rounds from the budget. */
  spend(iterations: number, blocks: number, what: string): void {
    if (!Number.isSafeInteger(iterations) || iterations < 1) {
      throw unsupported(`${what}: iteration count ${iterations} is not a positive integer`);
    }
    if (iterations > PKCS12_LIMITS.maxIterations) {
      throw unsupported(
        `${what}: ${iterations} iterations, more than the ${PKCS12_LIMITS.maxIterations} this reader allows`,
      );
    }
    this.#left -= iterations * blocks;
    if (this.#left < 0) {
      throw unsupported(
        `the bundle's key derivations add up to more than ${PKCS12_LIMITS.maxBundleRounds} hash rounds`,
      );
    }
  }
}

function unsupported(why: string): RolegateClientError {
  return new RolegateClientError('client.certificate_invalid', `PKCS#12 bundle refused: ${why}`);
}
