// The bundle's integrity check (RFC 7292 §5.1, appendix B): an HMAC over the authenticated safe,
// keyed by the PKCS#12 KDF from the passphrase. It is checked before anything is decrypted, so a
// wrong passphrase is told apart from a damaged file, and it tells which spelling of an empty
// password the bundle was written with.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MacData } from '@peculiar/asn1-pfx';
import { RolegateClientError } from '../errors.ts';
import { malformed } from './pkcs12-asn1.ts';
import type { BundlePassword } from './pkcs12-decrypt.ts';
import { REEXPORT_HINT } from './pkcs12-decrypt.ts';
import { bmpPassword, KDF_HASHES, KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.ts';
import { PKCS12_LIMITS, type RoundBudget } from './pkcs12-limits.ts';

const MAC_DIGESTS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const PBMAC1 = '1.2.840.113549.1.5.14';
const DER_NULL = Buffer.from([0x05, 0x00]);

/**
 * The password that verifies the MAC over `authSafe`. Without a passphrase the empty one is
 * tried, so a bundle exported with `-passout pass:` opens with none configured; the empty one is
 * tried both as an empty BMPString and as no bytes at all, as OpenSSL does.
 */
export function verifyMac(
  macData: MacData,
  authSafe: Uint8Array,
  passphrase: string | undefined,
  budget: RoundBudget,
): BundlePassword {
  const { digestAlgorithm, digest } = macData.mac;
  if (digestAlgorithm.algorithm === PBMAC1) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the bundle's MAC is PBMAC1 (OpenSSL 3.4's -pbmac1_pbkdf2), which this reader does not support: re-export the bundle with \`${REEXPORT_HINT}\``,
    );
  }
  const hashName = MAC_DIGESTS[digestAlgorithm.algorithm];
  if (hashName === undefined) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the bundle's MAC uses digest ${digestAlgorithm.algorithm}, which this reader does not support: re-export the bundle with \`${REEXPORT_HINT}\``,
    );
  }
  const parameters = digestAlgorithm.parameters;
  if (parameters !== undefined && parameters !== null && !Buffer.from(parameters).equals(DER_NULL))
    throw malformed('the MAC digest algorithm has parameters');
  const size = KDF_HASHES[hashName]!.u;
  const expected = Buffer.from(digest.buffer);
  if (expected.length !== size) throw malformed(`a ${expected.length}-byte ${hashName} MAC`);
  const salt = Buffer.from(macData.macSalt.buffer);
  if (salt.length === 0 || salt.length > PKCS12_LIMITS.maxSaltBytes)
    throw malformed(`a ${salt.length}-byte MAC salt`);
  const candidates: (string | null)[] =
    passphrase === undefined || passphrase === '' ? ['', null] : [passphrase];
  for (const text of candidates) {
    budget.spend(macData.iterations, 1, 'pkcs12Kdf', 'the MAC');
    const key = pkcs12Kdf(
      hashName,
      bmpPassword(text),
      salt,
      KDF_PURPOSE.mac,
      macData.iterations,
      size,
    );
    const actual = createHmac(hashName, key).update(authSafe).digest();
    if (timingSafeEqual(actual, expected)) return { text };
  }
  throw new RolegateClientError(
    'client.passphrase_invalid',
    passphrase === undefined
      ? 'the bundle needs a passphrase (its MAC does not verify without one)'
      : 'the passphrase does not open the bundle (its MAC does not verify)',
  );
}
