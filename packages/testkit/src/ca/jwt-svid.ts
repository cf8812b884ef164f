// A JWT-SVID issuer for one trust domain (SPIFFE JWT-SVID spec): a signing key with a `kid`, the
// matching `jwt-svid` bundle entry, and tokens whose `sub` is a SPIFFE ID. jose signs; the options
// exist to make the tokens a verifier must refuse (no `aud`, no `exp`, another `kid`…).
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { JwtAuthority } from './spiffe-bundle.ts';
import { generateTestKey, type TestKey, type TestKeyType } from './test-key.ts';

export interface JwtSvidOptions {
  /** The SPIFFE ID (`sub`). */
  readonly spiffeId: string;
  /** `aud`; `null` leaves it out. */
  readonly audience: string | readonly string[] | null;
  /** Seconds from `now`; default 300. `null` leaves `exp` out. */
  readonly expiresIn?: number | null;
  /** Default: now. */
  readonly now?: Date;
  /** `kid` in the header; default the issuer's. `null` leaves it out. */
  readonly kid?: string | null;
  /** Default: the key's own algorithm. */
  readonly alg?: string;
  /** `typ`; default `JWT`. */
  readonly typ?: string;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  readonly extraHeader?: Readonly<Record<string, unknown>>;
}

export interface JwtSvidIssuer extends JwtAuthority {
  readonly trustDomain: string;
  readonly key: TestKey;
  issue(options: JwtSvidOptions): Promise<string>;
}

export function createJwtSvidIssuer(options: {
  readonly trustDomain: string;
  readonly keyType?: TestKeyType;
  readonly kid?: string;
}): JwtSvidIssuer {
  const key = generateTestKey(options.keyType ?? 'ec-p256');
  const kid = options.kid ?? randomUUID();
  return Object.freeze({
    trustDomain: options.trustDomain,
    kid,
    key,
    publicKey: key.publicKey,
    async issue(svid: JwtSvidOptions): Promise<string> {
      const nowSeconds = Math.floor((svid.now ?? new Date()).getTime() / 1000);
      const header: Record<string, unknown> = {
        alg: svid.alg ?? key.jwsAlgorithm,
        typ: svid.typ ?? 'JWT',
        ...svid.extraHeader,
      };
      const headerKid = svid.kid === undefined ? kid : svid.kid;
      if (headerKid !== null) header['kid'] = headerKid;
      const claims: Record<string, unknown> = { sub: svid.spiffeId, iat: nowSeconds };
      if (svid.audience !== null) claims['aud'] = svid.audience;
      const expiresIn = svid.expiresIn === undefined ? 300 : svid.expiresIn;
      if (expiresIn !== null) claims['exp'] = nowSeconds + expiresIn;
      return new SignJWT({ ...claims, ...svid.extraClaims })
        .setProtectedHeader(header as { alg: string })
        .sign(key.privateKey);
    },
  });
}
