// The leaf's validity against the caller's clock, and its serial number — what a signer needs
// that a certificate file does not say plainly. Node's X509Certificate reads both.
import type { X509Certificate } from 'node:crypto';
import { RolegateClientError } from '../errors.ts';

/** Throws `client.certificate_expired` / `client.certificate_not_yet_valid` unless `now` is within. */
export function checkValidity(leaf: X509Certificate, now: Date): void {
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (now.getTime() > notAfter.getTime()) {
    throw new RolegateClientError(
      'client.certificate_expired',
      `the certificate expired at ${notAfter.toISOString()} (now ${now.toISOString()})`,
    );
  }
  if (now.getTime() < notBefore.getTime()) {
    throw new RolegateClientError(
      'client.certificate_not_yet_valid',
      `the certificate is valid from ${notBefore.toISOString()} (now ${now.toISOString()}): check this host's clock`,
    );
  }
}

/**
 * The serial number as lower-case hex, even length, without a superfluous leading zero octet —
 * as the session name and the broker's certificate principal spell it. RFC 5280 §4.1.2.2 wants
 * a positive number, and Roles Anywhere names the credential and the session after it, so zero
 * or a negative serial (which Node prints with a minus sign) is refused.
 */
export function serialHexOf(leaf: X509Certificate): string {
  const hex = leaf.serialNumber.toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || BigInt(`0x${hex}`) === 0n) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the certificate's serial number ${leaf.serialNumber} is not a positive integer`,
    );
  }
  const digits = BigInt(`0x${hex}`).toString(16);
  return digits.length % 2 === 0 ? digits : `0${digits}`;
}
