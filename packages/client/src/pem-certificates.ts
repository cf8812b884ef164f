// Certificates from PEM text: every CERTIFICATE block, in file order (the leaf first, by the
// convention of certificate files). Kept apart from the X.509 assertion so that readers of
// certificate files (the Roles Anywhere signing material) do not load a JWS library.
import { X509Certificate } from 'node:crypto';
import { RolegateClientError } from './errors.ts';

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM text, parsed (a block that is not a certificate is an error). */
export function readCertificates(pem: string | Buffer, what: string): X509Certificate[] {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const found: X509Certificate[] = [];
  for (const match of text.matchAll(PEM_CERTIFICATE)) {
    try {
      found.push(new X509Certificate(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')));
    } catch (cause) {
      throw new RolegateClientError(
        'client.certificate_invalid',
        `the ${what} PEM holds a block that is not a certificate`,
        { cause },
      );
    }
  }
  if (found.length === 0 && text.includes('-----BEGIN')) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the ${what} file holds no CERTIFICATE block`,
    );
  }
  return found;
}
