// The certificate keys IAM Roles Anywhere signs with (its user guide: "RSA and EC keys are
// supported"; docs/specs/roles-anywhere.md §1.5): RSA — an rsaEncryption key, since the signature
// is PKCS#1 v1.5, of at least 2048 bits — and EC on P-256 or P-384. Checked when the material is
// loaded, so an unusable key is reported with its file rather than as a refusal from AWS.
import type { KeyObject } from 'node:crypto';
import { RolegateClientError } from '../errors.ts';

const MIN_RSA_BITS = 2048;
const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/** Throws `client.certificate_invalid` unless Roles Anywhere can sign with `key`'s type. */
export function checkSupportedKey(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS) return;
  if (key.asymmetricKeyType === 'ec' && CURVES[details.namedCurve ?? ''] !== undefined) return;
  const found =
    key.asymmetricKeyType === 'rsa'
      ? `a ${details.modulusLength}-bit RSA key`
      : key.asymmetricKeyType === 'ec'
        ? `an EC key on ${details.namedCurve ?? 'an unnamed curve'}`
        : `a ${key.asymmetricKeyType ?? 'unknown'} key`;
  throw new RolegateClientError(
    'client.certificate_invalid',
    `the certificate has ${found}: IAM Roles Anywhere signs with RSA (${MIN_RSA_BITS} bits or more) or EC P-256/P-384 keys`,
  );
}
