// The X.509 login assertion up to and including its signature and claims (docs/specs/x509.md §1):
// size cap; strict compact JWS; header allow-list; `alg` allow-list; `x5c` of 1–5 strict base64
// DER certificates; `alg` fitting the leaf key; the signature with the leaf key (jose); then the
// claims `aud`, `iat`, `exp` ≤ iat + 300, `jti`. The chain itself is validated afterwards.

import { decodeBase64Strict } from '@rolegate/core';
import { compactVerify } from 'jose';
import { IdentityError } from '../errors.ts';
import { type KeyKind, keyKind } from './algorithms.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';
import { type JsonObject, readCompactJws } from './compact-jws.ts';

/**
 * Assertions larger than this are refused unread. A leaf and four intermediates with RSA-4096 keys
 * fit, and so does the form around it within the token endpoint's 16 KiB body limit.
 */
export const MAX_ASSERTION_BYTES = 15 * 1024;
export const MAX_X5C = 5;
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** The algorithms an assertion may use, and the only key each fits. */
export const ASSERTION_ALGORITHMS: Readonly<Record<string, KeyKind>> = {
  ES256: 'ec-p256',
  ES384: 'ec-p384',
  ES512: 'ec-p521',
  RS256: 'rsa',
  PS256: 'rsa',
};

const HEADER = new Set(['alg', 'x5c', 'typ', 'kid']);

export interface SignedAssertion {
  readonly leaf: ParsedCertificate;
  /** x5c[1…], in the order sent. */
  readonly presented: readonly ParsedCertificate[];
  readonly claims: JsonObject;
}

export async function verifyAssertionSignature(token: string): Promise<SignedAssertion> {
  const { header, unverifiedPayload } = readCompactJws(token, {
    maxBytes: MAX_ASSERTION_BYTES,
    headerParameters: HEADER,
    tooLarge: 'assertion.too_large',
    malformed: 'assertion.malformed',
    badHeader: 'assertion.bad_header',
  });
  if (header['typ'] !== undefined && header['typ'] !== 'JWT')
    throw new IdentityError('assertion.bad_header', 'typ must be JWT');
  const alg = header['alg'] as string;
  const wanted = Object.hasOwn(ASSERTION_ALGORITHMS, alg) ? ASSERTION_ALGORITHMS[alg] : undefined;
  // `none`, HS256 (a public key used as an HMAC secret) and everything else stop here.
  if (wanted === undefined) throw new IdentityError('assertion.bad_algorithm', `alg ${alg}`);
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_X5C)
    throw new IdentityError('assertion.bad_chain', 'x5c must be an array of 1 to 5 certificates');
  const ders = x5c.map((entry, i) => {
    const der = typeof entry === 'string' ? decodeBase64Strict(entry) : undefined;
    if (der === undefined)
      throw new IdentityError('assertion.bad_chain', `x5c[${i}] is not base64`);
    return der;
  });
  const [leaf, ...presented] = ders.map(parseCertificate) as [
    ParsedCertificate,
    ...ParsedCertificate[],
  ];
  const kind = leaf.publicKey === undefined ? undefined : keyKind(leaf.publicKey);
  if (kind === undefined) throw new IdentityError('cert.unsupported_key', 'leaf key');
  if (kind !== wanted)
    throw new IdentityError('assertion.bad_algorithm', `${alg} with a ${kind} key`);
  try {
    await compactVerify(token, leaf.publicKey!, { algorithms: [alg] });
  } catch (cause) {
    throw new IdentityError('assertion.bad_signature', (cause as Error).message);
  }
  // The payload read before is exactly what was signed: from here on it is verified.
  return { leaf, presented, claims: unverifiedPayload };
}

export interface AssertionClaims {
  readonly jti: string;
  readonly exp: number;
}

/** The claims of a signed assertion, checked against the broker's audience and clock. */
export function checkAssertionClaims(
  claims: JsonObject,
  rules: { readonly audience: string; readonly nowSeconds: number; readonly skewSeconds: number },
): AssertionClaims {
  const { aud, iat, exp, nbf, jti } = claims;
  const bad = (why: string) => new IdentityError('assertion.bad_claims', why);
  const audiences = typeof aud === 'string' ? [aud] : aud;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every(isString))
    throw bad('aud');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw bad('iat');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw bad('exp');
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) throw bad('nbf');
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256) throw bad('jti');
  // One audience, the broker's: an assertion for [this broker, another] could be replayed there.
  if (audiences.length !== 1 || audiences[0] !== rules.audience)
    throw new IdentityError('assertion.bad_audience', `aud ${JSON.stringify(aud)}`);
  if (exp <= iat) throw bad('exp is not after iat');
  if (exp - iat > MAX_ASSERTION_LIFETIME_SECONDS)
    throw new IdentityError('assertion.lifetime_too_long', `${exp - iat} s`);
  const { nowSeconds, skewSeconds } = rules;
  if (iat > nowSeconds + skewSeconds || (nbf !== undefined && nbf > nowSeconds + skewSeconds))
    throw new IdentityError('assertion.not_yet_valid', `iat ${iat}`);
  if (nowSeconds - skewSeconds >= exp) throw new IdentityError('assertion.expired', `exp ${exp}`);
  return { jti, exp };
}

const isString = (v: unknown): v is string => typeof v === 'string';
