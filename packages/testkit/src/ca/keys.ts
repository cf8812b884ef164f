// PEM export of webcrypto keys through Node's KeyObject, so no PEM or PKCS#8 is written by hand.
import { KeyObject, type webcrypto } from 'node:crypto';

/** A private key as PKCS#8 PEM, the form node:https, node:tls and most tools accept. */
export function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ format: 'pem', type: 'pkcs8' }).toString();
}
