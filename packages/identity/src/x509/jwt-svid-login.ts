// SPIFFE JWT-SVID login (JWT-SVID standard §3–4): the `sub` names a workload of a trust domain the
// broker trusts; that domain's bundle holds the `jwt-svid` key the header's `kid` names; jose
// verifies the signature with it and only the allowed algorithms; `aud` must be the broker's login
// audience alone and `exp` is required. A JWT-SVID is a bearer token valid until it expires (the
// standard makes no single-use promise), so the broker's token never outlives it.
import { compactVerify } from 'jose';
import { IdentityError } from '../errors.ts';
import { keyKind } from './algorithms.ts';
import { type CertificatePrincipal, principalFromJwtSvid } from './certificate-principal.ts';
import { readCompactJws } from './compact-jws.ts';
import type { Profiles } from './profiles.ts';
import { parseSpiffeId } from './spiffe-id.ts';
import type { TrustStore } from './trust-store.ts';

export const JWT_SVID_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
] as const;

export type JwtSvidAlgorithm = (typeof JWT_SVID_ALGORITHMS)[number];

const MAX_JWT_SVID_BYTES = 8 * 1024;
const HEADER = new Set(['alg', 'kid', 'typ']);
const CURVE_OF: Readonly<Record<string, string>> = {
  ES256: 'ec-p256',
  ES384: 'ec-p384',
  ES512: 'ec-p521',
};

export interface JwtSvidLoginOptions {
  readonly store: TrustStore;
  readonly profiles: Profiles;
  readonly loginAudience: string;
  readonly skewSeconds: number;
  readonly algorithms: readonly JwtSvidAlgorithm[];
  readonly now?: () => number;
}

export class JwtSvidLogin {
  readonly #options: JwtSvidLoginOptions;
  readonly #now: () => number;

  constructor(options: JwtSvidLoginOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(token: string): Promise<CertificatePrincipal> {
    const options = this.#options;
    const { header, unverifiedPayload: claims } = readCompactJws(token, {
      maxBytes: MAX_JWT_SVID_BYTES,
      headerParameters: HEADER,
      tooLarge: 'jwt_svid.malformed',
      malformed: 'jwt_svid.malformed',
      badHeader: 'jwt_svid.malformed',
    });
    const { alg, kid, typ } = header;
    if (typ !== undefined && typ !== 'JWT' && typ !== 'JOSE')
      throw new IdentityError('jwt_svid.malformed', 'typ');
    if (!options.algorithms.includes(alg as JwtSvidAlgorithm))
      throw new IdentityError('jwt_svid.bad_algorithm', `alg ${String(alg)}`);
    if (typeof kid !== 'string' || kid === '') throw new IdentityError('jwt_svid.malformed', 'kid');
    if (typeof claims['sub'] !== 'string') throw new IdentityError('jwt_svid.bad_claims', 'sub');
    // Read before the signature is checked only to find the key: the key then proves it.
    const spiffeId = parseSpiffeId(claims['sub'], { workload: true });
    const domain = options.store.trustDomain(spiffeId.trustDomain);
    if (domain === undefined)
      throw new IdentityError('spiffe.unknown_trust_domain', spiffeId.trustDomain);
    const authority = domain.jwtAuthorities.get(kid);
    if (authority === undefined) throw new IdentityError('jwt_svid.unknown_key', `kid ${kid}`);
    const kind = keyKind(authority.key);
    const fits = (alg as string).startsWith('ES')
      ? CURVE_OF[alg as string] === kind
      : kind === 'rsa';
    if (!fits || (authority.alg !== undefined && authority.alg !== alg))
      throw new IdentityError('jwt_svid.bad_algorithm', `${String(alg)} with key ${kid}`);
    try {
      await compactVerify(token, authority.key, { algorithms: [alg as string] });
    } catch (cause) {
      throw new IdentityError('jwt_svid.bad_signature', (cause as Error).message);
    }
    const expiresAt = this.#checkClaims(claims);
    const profile = options.profiles.for('trustDomain', spiffeId.trustDomain);
    if (profile === undefined)
      throw new IdentityError('profile.not_found', `trustDomain ${spiffeId.trustDomain}`);
    return principalFromJwtSvid({ profile, spiffeId: spiffeId.id, expiresAtMs: expiresAt * 1000 });
  }

  #checkClaims(claims: { readonly [k: string]: unknown }): number {
    const { aud, exp, iat, nbf } = claims;
    const bad = (why: string) => new IdentityError('jwt_svid.bad_claims', why);
    const audiences = typeof aud === 'string' ? [aud] : aud;
    if (!Array.isArray(audiences) || audiences.length === 0) throw bad('aud is required');
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw bad('exp is required');
    for (const [name, value] of [
      ['iat', iat],
      ['nbf', nbf],
    ] as const) {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
        throw bad(name);
    }
    if (audiences.length !== 1 || audiences[0] !== this.#options.loginAudience)
      throw new IdentityError('jwt_svid.bad_audience', `aud ${JSON.stringify(aud)}`);
    const now = Math.floor(this.#now() / 1000);
    const skew = this.#options.skewSeconds;
    if (now - skew >= exp) throw new IdentityError('jwt_svid.expired', `exp ${exp}`);
    if ((iat as number | undefined) !== undefined && (iat as number) > now + skew)
      throw new IdentityError('jwt_svid.not_yet_valid', `iat ${String(iat)}`);
    if ((nbf as number | undefined) !== undefined && (nbf as number) > now + skew)
      throw new IdentityError('jwt_svid.not_yet_valid', `nbf ${String(nbf)}`);
    return exp;
  }
}
