// The rolegate X.509 login assertion (docs/specs/x509.md §1) as a workload makes it: a compact JWS
// signed with the certificate's key, `x5c` = leaf then intermediates, claims `aud`, `iat`, `exp`
// (≤ iat + 300) and a fresh `jti`. jose signs; every field can be overridden or left out so tests
// can make the assertions a broker must refuse.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TestLeaf } from './authority.ts';
import type { TestKey } from './test-key.ts';

export interface X509AssertionOptions {
  /** The certificate and chain; its key signs unless `signingKey` is given. */
  readonly leaf: Pick<TestLeaf, 'x5c' | 'key'>;
  /** The broker's login audience. `null` leaves `aud` out. */
  readonly audience: string | readonly string[] | null;
  /** Default `leaf.x5c`. */
  readonly x5c?: readonly string[] | null;
  /** Default: the key's own algorithm (ES256 for P-256, RS256 for RSA…). */
  readonly alg?: string;
  /** Sign with another key than the leaf's. */
  readonly signingKey?: TestKey;
  /** Default: now. */
  readonly now?: Date;
  /** Seconds after `iat`; default 60. `null` leaves `exp` out. */
  readonly expiresIn?: number | null;
  /** Explicit `iat` (seconds); `null` leaves it out. */
  readonly iat?: number | null;
  /** Default a random UUID; `null` leaves it out. */
  readonly jti?: string | null;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  readonly extraHeader?: Readonly<Record<string, unknown>>;
}

export async function signX509Assertion(options: X509AssertionOptions): Promise<string> {
  const key = options.signingKey ?? options.leaf.key;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const iat = options.iat === undefined ? nowSeconds : options.iat;
  const header: Record<string, unknown> = { alg: options.alg ?? key.jwsAlgorithm };
  const x5c = options.x5c === undefined ? options.leaf.x5c : options.x5c;
  if (x5c !== null) header['x5c'] = x5c;
  Object.assign(header, options.extraHeader);
  const claims: Record<string, unknown> = {};
  if (options.audience !== null) claims['aud'] = options.audience;
  if (iat !== null) claims['iat'] = iat;
  const expiresIn = options.expiresIn === undefined ? 60 : options.expiresIn;
  if (expiresIn !== null) claims['exp'] = (iat ?? nowSeconds) + expiresIn;
  const jti = options.jti === undefined ? randomUUID() : options.jti;
  if (jti !== null) claims['jti'] = jti;
  return new SignJWT({ ...claims, ...options.extraClaims })
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}
