// The X.509 proof (DESIGN.md, docs/specs/x509.md §1): a compact JWS signed with the workload
// certificate's own private key, `x5c` = [leaf, intermediates…], `aud` = the broker's login
// audience, a lifetime of at most 300 s and a fresh `jti`, so a captured assertion works at one
// broker, once, briefly. The broker validates the chain; here we only refuse what it would
// refuse for certain (a key that does not match the leaf, a key type with no JWS algorithm).

import { randomUUID } from 'node:crypto';
import { X509_ASSERTION_TOKEN_TYPE } from '@rolegate/core';
import { SignJWT } from 'jose';
import { RolegateClientError } from './errors.ts';
import { readCertificates } from './pem-certificates.ts';
import { type CertificateKeyInput, jwsAlgorithmFor, readPrivateKey } from './x509-keys.ts';

export { readCertificates, X509_ASSERTION_TOKEN_TYPE };
/** The broker refuses a longer lifetime (docs/specs/x509.md §1). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** The broker refuses more certificates in `x5c`. */
export const MAX_X5C = 5;

export interface X509Credentials {
  /** PEM: the leaf first; further certificates in the same file are intermediates. */
  readonly certificate: string | Buffer;
  /** PEM intermediates between the leaf and the trust anchor (often empty for SPIFFE SVIDs). */
  readonly chain?: string | Buffer;
  /** The leaf's private key: PEM (PKCS#8, encrypted PKCS#8, SEC1, PKCS#1), DER PKCS#8, or a KeyObject. */
  readonly privateKey: CertificateKeyInput;
  /** For an encrypted private key. */
  readonly passphrase?: string;
}

export interface X509AssertionOptions extends X509Credentials {
  /** The broker's login audience (its issuer URL unless configured otherwise). */
  readonly audience: string;
  /** 1…300 s; default 300. */
  readonly expiresInSeconds?: number;
  readonly now?: Date;
}

/** Makes the assertion for `urn:rolegate:token-type:x509-assertion`. */
export async function createX509Assertion(options: X509AssertionOptions): Promise<string> {
  const lifetime = options.expiresInSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new RolegateClientError(
      'client.invalid_option',
      `expiresInSeconds must be an integer from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS}`,
    );
  }
  if (typeof options.audience !== 'string' || options.audience === '') {
    throw new RolegateClientError('client.invalid_option', 'audience must be a non-empty string');
  }
  const certificates = [
    ...readCertificates(options.certificate, 'certificate'),
    ...(options.chain === undefined ? [] : readCertificates(options.chain, 'chain')),
  ];
  const leaf = certificates[0];
  if (leaf === undefined) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the certificate file holds no certificate',
    );
  }
  if (certificates.length > MAX_X5C) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `${certificates.length} certificates: the broker accepts at most ${MAX_X5C} (leaf and intermediates)`,
    );
  }
  const key = readPrivateKey(options.privateKey, options.passphrase);
  if (!leaf.checkPrivateKey(key)) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      'the private key does not belong to the certificate',
    );
  }
  const alg = jwsAlgorithmFor(key);
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT', x5c: certificates.map((c) => c.raw.toString('base64')) })
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .setJti(randomUUID())
    .sign(key);
}
