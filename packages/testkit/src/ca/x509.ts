// Loads @peculiar/x509 ready for Node. Its internals resolve through tsyringe, which throws on load
// unless the Reflect metadata polyfill is already in place, so that import must come first (the
// blank line keeps import sorting from moving it). Certificates are built with Node's webcrypto.
import 'reflect-metadata';

import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** ECDSA P-256 with SHA-256: small, fast keys that every TLS stack accepts. */
export const SIGNING_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export type KeyPair = webcrypto.CryptoKeyPair;

export async function generateKeyPair(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(SIGNING_ALGORITHM, true, ['sign', 'verify']);
}

/** Validity from a few minutes before `now` (clock skew between test processes) to `days` after. */
export function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  if (!(days > 0)) throw new TypeError(`validityDays must be positive, got ${days}`);
  return {
    notBefore: new Date(now.getTime() - 5 * 60 * 1000),
    notAfter: new Date(now.getTime() + days * 24 * 60 * 60 * 1000),
  };
}

// @peculiar/x509 mangles names whose values hold DN syntax characters; refuse them instead.
const DN_SPECIAL = /[,+"\\<>;=#]/;

/** A one-attribute subject `CN=<commonName>`. */
export function commonNameSubject(commonName: string): x509.JsonName {
  if (commonName.length === 0 || DN_SPECIAL.test(commonName)) {
    throw new TypeError(
      `commonName must be non-empty without , + " \\ < > ; = #: ${JSON.stringify(commonName)}`,
    );
  }
  return [{ CN: [commonName] }];
}
