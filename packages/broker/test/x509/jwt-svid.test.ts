// SPIFFE JWT-SVID login (urn:ietf:params:oauth:token-type:jwt): a good one becomes the trust
// domain's profile role with the SPIFFE ID as its x509SAN/URI tag; hostile ones are refused with
// their codes, offline and over HTTP.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IdentityError } from '@rolegate/identity';
import {
  createJwtSvidIssuer,
  type JwtSvidIssuer,
  type JwtSvidOptions,
  writeSpiffeBundle,
} from '@rolegate/testkit';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { BROKER_ERRORS, type BrokerErrorCode } from '../../src/errors/codes.ts';
import { b64u, corruptSignature, decodeSegments, rewrite } from './support/jws.ts';
import {
  createX509Fixture,
  LOGIN_AUDIENCE,
  offlineLogins,
  SPIFFE_ROLE,
  type X509Fixture,
} from './support/pki-fixture.ts';
import {
  JWT_SVID_TOKEN_TYPE,
  startX509Harness,
  TARGET_AUDIENCE,
  type X509Harness,
} from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
const ORDERS = 'spiffe://example.org/ns/prod/sa/orders';
let h: X509Harness;
let stranger: JwtSvidIssuer;
before(async () => {
  h = await startX509Harness(f);
  // Same kid as the trusted issuer, another key: a forger who read the bundle.
  stranger = createJwtSvidIssuer({ trustDomain: 'example.org', kid: f.jwt.kid });
});
after(async () => {
  await h?.close();
  f.cleanup();
});

const svid = (o: Partial<JwtSvidOptions> = {}) =>
  f.jwt.issue({ spiffeId: ORDERS, audience: LOGIN_AUDIENCE, ...o });
const now = () => Math.floor(Date.now() / 1000);

interface HostileSvid {
  readonly name: string;
  readonly code: BrokerErrorCode;
  make(): Promise<string>;
}

const HOSTILE: readonly HostileSvid[] = [
  {
    name: 'alg none',
    code: 'jwt_svid.bad_algorithm',
    make: async () =>
      rewrite(await svid(), { header: { alg: 'none', kid: f.jwt.kid }, signature: 'AAAA' }),
  },
  {
    name: 'alg HS256 keyed with the bundle key',
    code: 'jwt_svid.bad_algorithm',
    make: () =>
      new SignJWT({ sub: ORDERS, aud: LOGIN_AUDIENCE, exp: now() + 60 })
        .setProtectedHeader({ alg: 'HS256', kid: f.jwt.kid })
        .sign(new Uint8Array(f.jwt.publicKey.export({ type: 'spki', format: 'der' }))),
  },
  {
    name: 'alg EdDSA',
    code: 'jwt_svid.bad_algorithm',
    make: async () => rewrite(await svid(), { header: { alg: 'EdDSA', kid: f.jwt.kid } }),
  },
  {
    name: 'alg ES384 with a P-256 key',
    code: 'jwt_svid.bad_algorithm',
    make: async () => rewrite(await svid(), { header: { alg: 'ES384', kid: f.jwt.kid } }),
  },
  {
    name: 'alg RS256 with an EC key',
    code: 'jwt_svid.bad_algorithm',
    make: async () => rewrite(await svid(), { header: { alg: 'RS256', kid: f.jwt.kid } }),
  },
  { name: 'kid missing', code: 'jwt_svid.malformed', make: () => svid({ kid: null }) },
  { name: 'kid unknown', code: 'jwt_svid.unknown_key', make: () => svid({ kid: 'no-such-kid' }) },
  {
    name: 'jku header',
    code: 'jwt_svid.malformed',
    make: () => svid({ extraHeader: { jku: 'https://evil.test/keys' } }),
  },
  {
    name: 'x5c header',
    code: 'jwt_svid.malformed',
    make: () => svid({ extraHeader: { x5c: [] } }),
  },
  {
    name: 'typ other than JWT or JOSE',
    code: 'jwt_svid.malformed',
    make: () => svid({ typ: 'at+jwt' }),
  },
  {
    name: 'larger than 8 KiB',
    code: 'jwt_svid.malformed',
    make: () => svid({ extraClaims: { pad: 'x'.repeat(9000) } }),
  },
  {
    name: 'three segments, one empty',
    code: 'jwt_svid.malformed',
    make: async () => rewrite(await svid(), { signature: '' }),
  },
  {
    name: 'payload repeats sub',
    code: 'jwt_svid.malformed',
    make: async () =>
      rewrite(await svid(), {
        payload: `{"sub":"${ORDERS}","sub":"spiffe://example.org/admin","aud":"${LOGIN_AUDIENCE}","exp":${now() + 60}}`,
      }),
  },
  {
    name: 'sub missing',
    code: 'jwt_svid.bad_claims',
    make: () => svid({ extraClaims: { sub: undefined } }),
  },
  {
    name: 'sub is not a SPIFFE ID',
    code: 'spiffe.bad_id',
    make: () => svid({ spiffeId: 'https://example.org/orders' }),
  },
  {
    name: 'sub is the trust domain itself',
    code: 'spiffe.bad_id',
    make: () => svid({ spiffeId: 'spiffe://example.org' }),
  },
  {
    name: 'sub with a dot segment',
    code: 'spiffe.bad_id',
    make: () => svid({ spiffeId: 'spiffe://example.org/a/../admin' }),
  },
  {
    name: 'sub of an unknown trust domain',
    code: 'spiffe.unknown_trust_domain',
    make: () => svid({ spiffeId: 'spiffe://evil.test/orders' }),
  },
  // partner.test is trusted, but its bundle holds no JWT key: example.org's key cannot speak for it.
  {
    name: 'sub of another trusted domain',
    code: 'jwt_svid.unknown_key',
    make: () => svid({ spiffeId: 'spiffe://partner.test/orders' }),
  },
  { name: 'aud missing', code: 'jwt_svid.bad_claims', make: () => svid({ audience: null }) },
  {
    name: 'aud is another service',
    code: 'jwt_svid.bad_audience',
    make: () => svid({ audience: 'https://other.test' }),
  },
  {
    name: 'aud lists the broker and another',
    code: 'jwt_svid.bad_audience',
    make: () => svid({ audience: [LOGIN_AUDIENCE, 'https://other.test'] }),
  },
  { name: 'exp missing', code: 'jwt_svid.bad_claims', make: () => svid({ expiresIn: null }) },
  {
    name: 'exp is a string',
    code: 'jwt_svid.bad_claims',
    make: () => svid({ extraClaims: { exp: 'later' } }),
  },
  {
    name: 'expired',
    code: 'jwt_svid.expired',
    make: () => svid({ now: new Date(Date.now() - 3_600_000), expiresIn: 300 }),
  },
  {
    name: 'iat in the future',
    code: 'jwt_svid.not_yet_valid',
    make: () => svid({ now: new Date(Date.now() + 600_000) }),
  },
  {
    name: 'nbf in the future',
    code: 'jwt_svid.not_yet_valid',
    make: () => svid({ extraClaims: { nbf: now() + 600 } }),
  },
  {
    name: 'signature bit flipped',
    code: 'jwt_svid.bad_signature',
    make: async () => corruptSignature(await svid()),
  },
  {
    name: 'signed by a stranger under the trusted kid',
    code: 'jwt_svid.bad_signature',
    make: () => stranger.issue({ spiffeId: ORDERS, audience: LOGIN_AUDIENCE }),
  },
  {
    name: 'sub changed after signing',
    code: 'jwt_svid.bad_signature',
    make: async () => {
      const token = await svid();
      return rewrite(token, {
        payload: { ...decodeSegments(token).payload, sub: 'spiffe://example.org/admin' },
      });
    },
  },
  {
    name: 'header not base64url',
    code: 'jwt_svid.malformed',
    make: async () => `${b64u({ alg: 'ES256' })}+.${(await svid()).split('.').slice(1).join('.')}`,
  },
];

describe('JWT-SVID login', () => {
  it('a good JWT-SVID becomes the profile role, tagged with its SPIFFE ID', async () => {
    const res = await h.send(await svid(), JWT_SVID_TOKEN_TYPE);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const jwks = (await (
      await fetch(`${h.brokerUrl}/.well-known/jwks.json`)
    ).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(res.body.access_token as string, createLocalJWKSet(jwks), {
      issuer: 'http://broker.test',
      audience: TARGET_AUDIENCE,
    });
    assert.equal(payload.sub, SPIFFE_ROLE);
    const rg = payload.rolegate as Record<string, unknown>;
    assert.equal(rg.method, 'jwt-svid');
    assert.equal(rg.principal_type, 'AssumedRole');
    assert.deepEqual(rg.tags, { 'x509SAN/URI': ORDERS });
    assert.match(rg.session_name as string, /^svid-[0-9a-f]{32}$/);
    assert.equal(
      rg.session_arn,
      `arn:aws:sts::111122223333:assumed-role/spiffe-workload/${rg.session_name}`,
    );
  });

  it('the token never outlives the JWT-SVID', async () => {
    const res = await h.send(await svid({ expiresIn: 120 }), JWT_SVID_TOKEN_TYPE);
    assert.equal(res.status, 200);
    const exp = decodeJwt(res.body.access_token as string).exp!;
    assert.ok(exp <= now() + 120 && exp >= now() + 110, String(exp - now()));
    assert.ok((res.body.expires_in as number) <= 120);
  });

  it('a JWT-SVID is a bearer token: it may be used again until it expires', async () => {
    const token = await svid();
    assert.equal((await h.send(token, JWT_SVID_TOKEN_TYPE)).status, 200);
    assert.equal((await h.send(token, JWT_SVID_TOKEN_TYPE)).status, 200);
  });

  it('RS, ES and PS 256–512 are accepted', async () => {
    for (const [keyType, algs] of [
      ['rsa-2048', ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']],
      ['ec-p384', ['ES384']],
      ['ec-p521', ['ES512']],
    ] as const) {
      const issuer = createJwtSvidIssuer({ trustDomain: 'example.org', keyType });
      const logins = offlineLogins({
        ...f.x509,
        trustDomains: [{ name: 'example.org', bundleFile: await bundleWith(issuer) }],
        trustAnchors: [],
        profiles: [{ name: 'spiffe', trustDomain: 'example.org', roleArn: SPIFFE_ROLE }],
      });
      for (const alg of algs) {
        const p = await logins.jwtSvidLogin.authenticate(
          await issuer.issue({ spiffeId: ORDERS, audience: LOGIN_AUDIENCE, alg }),
        );
        assert.equal(p.arn, SPIFFE_ROLE, alg);
      }
    }
  });

  it('x509.jwtSvid.algorithms narrows the list', async () => {
    const logins = offlineLogins({ ...f.x509, jwtSvid: { algorithms: ['RS256'] } });
    await assert.rejects(logins.jwtSvidLogin.authenticate(await svid()), {
      code: 'jwt_svid.bad_algorithm',
    });
  });
});

describe('hostile JWT-SVIDs', () => {
  it('there are at least 25', () => assert.ok(HOSTILE.length >= 25));
  for (const hostile of HOSTILE) {
    it(`${hostile.name} → ${hostile.code}, offline and over HTTP`, async () => {
      const token = await hostile.make();
      await assert.rejects(offlineLogins(f.x509).jwtSvidLogin.authenticate(token), (e: unknown) => {
        assert.ok(e instanceof IdentityError, String(e));
        assert.equal(e.code, hostile.code, e.message);
        return true;
      });
      const res = await h.send(token, JWT_SVID_TOKEN_TYPE);
      assert.equal(res.body.rolegate_code, hostile.code);
      assert.equal(res.status, BROKER_ERRORS[hostile.code].status);
      assert.equal(res.body.access_token, undefined);
    });
  }
});

async function bundleWith(issuer: JwtSvidIssuer): Promise<string> {
  const file = join(f.dir, `jwt-${issuer.kid}.json`);
  writeFileSync(file, writeSpiffeBundle({ jwtAuthorities: [issuer] }));
  return file;
}
