// Bounds on what a PKCS#12 bundle may ask of its reader. A bundle is a file from disk that may be
// hostile (or merely broken), and it names its own iteration counts: without a bound, one file
// could hold a refresh for hours — and `serve` answers nothing while it runs, since the KDFs are
// synchronous. Real bundles stay far below all of these: OpenSSL writes 2,048 iterations,
// Windows 2,000, Java's keytool 10,000 (100,000 for the MAC of older JDKs), and the most cautious
// guidance asks for 600,000 PBKDF2-HMAC-SHA256 iterations.
import { RolegateClientError } from '../errors.ts';

/**
 * What one round of each key derivation costs, in units of one PBKDF2 iteration of one output
 * block (native, about 0.5 µs). The PKCS#12 KDF runs in JavaScript, one `crypto.hash` call a
 * round, about 1.2 µs: measured on a 2-core machine with Node 20 (2026-12-02), 1,000,000 rounds
 * took 1.2 s against 0.45–0.52 s for PBKDF2-HMAC-SHA1/SHA-512.
 */
export const ROUND_COST = { pbkdf2: 1, pkcs12Kdf: 3 } as const;

export const PKCS12_LIMITS = {
  /** Iterations of any one key derivation (PBKDF2, or the PKCS#12 KDF). */
  maxIterations: 600_000,
  /**
   * Work for the whole bundle, every derivation, output block and MAC attempt counted at its
   * ROUND_COST: about a second at most, however a hostile bundle spreads its counts (it was 20
   * million rounds, 16 s for one MAC of 8,388,607 iterations tried with and without a password).
   * Room for two 600,000-iteration PBES2 safes beside a default MAC, or for `openssl pkcs12
   * -export -iter 400000`, whose count applies to the MAC (PKCS#12 KDF) as well (0.5 s to load).
   */
  maxBundleWork: 2_000_000,
  /** ContentInfos in the authenticated safe (OpenSSL writes two: certificates, key). */
  maxSafes: 16,
  /** Safe bags over the whole bundle. */
  maxBags: 64,
  /** Bytes of a salt. */
  maxSaltBytes: 1024,
} as const;

/** Counts the work a bundle has cost so far and refuses to go past the bound. */
export class RoundBudget {
  #left: number = PKCS12_LIMITS.maxBundleWork;

  /**
   * Checks one derivation's count and takes `iterations × blocks` rounds of `kdf` from the
   * budget, before the derivation runs.
   */
  spend(iterations: number, blocks: number, kdf: keyof typeof ROUND_COST, what: string): void {
    if (!Number.isSafeInteger(iterations) || iterations < 1) {
      throw unsupported(`${what}: iteration count ${iterations} is not a positive integer`);
    }
    if (iterations > PKCS12_LIMITS.maxIterations) {
      throw unsupported(
        `${what}: ${iterations} iterations, more than the ${PKCS12_LIMITS.maxIterations} this reader allows`,
      );
    }
    this.#left -= iterations * blocks * ROUND_COST[kdf];
    if (this.#left < 0) {
      throw unsupported(
        `the bundle's key derivations add up to more work than this reader allows (${PKCS12_LIMITS.maxBundleWork} PBKDF2 rounds or a third as many PKCS#12 KDF rounds)`,
      );
    }
  }
}

function unsupported(why: string): RolegateClientError {
  return new RolegateClientError('client.certificate_invalid', `PKCS#12 bundle refused: ${why}`);
}
