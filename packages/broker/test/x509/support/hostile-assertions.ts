// Assertions a broker must refuse although the certificate behind them is perfect: broken JWS
// framing, forbidden header parameters, algorithm confusion, bad x5c, forged or moved signatures,
// and every claim wrong in turn. Each names the code it must be refused with.
import { randomUUID } from 'node:crypto';
import type { TestLeaf } from '@rolegate/testkit';
import { base64url, SignJWT } from 'jose';
import type { BrokerErrorCode } from '../../../src/errors/codes.ts';
import { b64u, corruptSignature, decodeSegments, rewrite } from './jws.ts';
import { LOGIN_AUDIENCE } from './pki-fixture.ts';
import { assertionFor } from './x509-harness.ts';

export interface AssertionContext {
  /** A valid SVID with its chain. */
  readonly leaf: TestLeaf;
  /** Another valid SVID with a P-256 key, like `leaf`'s. */
  readonly other: TestLeaf;
  /** An RSA SVID (for algorithm confusion). */
  readonly rsa: TestLeaf;
  /** Six certificates, leaf first, all well formed. */
  readonly sixCertificates: readonly string[];
}

export interface HostileAssertion {
  readonly name: string;
  readonly code: BrokerErrorCode;
  make(ctx: AssertionContext): Promise<string>;
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  aud: LOGIN_AUDIENCE,
  iat: now(),
  exp: now() + 60,
  jti: randomUUID(),
  ...extra,
});
const without = (o: Record<string, unknown>, key: string) => {
  const copy = { ...o };
  delete copy[key];
  return copy;
};
/**
 * A valid assertion of `ctx.leaf` with its claims replaced (and so, re-signed properly). Times are
 * computed when the assertion is made, not when the list is built.
 */
const withClaims =
  (extra: () => Record<string, unknown>, drop?: string) => async (ctx: AssertionContext) =>
    assertionFor(ctx.leaf, {
      iat: null,
      expiresIn: null,
      jti: null,
      audience: null,
      extraClaims: drop ? without(claims(extra()), drop) : claims(extra()),
    });
const withHeader = (extra: Record<string, unknown>) => async (ctx: AssertionContext) =>
  assertionFor(ctx.leaf, { extraHeader: extra });
const headerOf = async (ctx: AssertionContext) =>
  decodeSegments(await assertionFor(ctx.leaf)).header;

/** A header segment that decodes fine but is not the canonical encoding of its bytes. */
function nonCanonicalHeader(header: Record<string, unknown>): string {
  for (let pad = 0; ; pad++) {
    const segment = b64u({ ...header, kid: 'k'.repeat(pad + 1) });
    if (segment.length % 4 === 0) continue;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(segment.at(-1)!);
    return segment.slice(0, -1) + alphabet[last ^ 1];
  }
}

export const HOSTILE_ASSERTIONS: readonly HostileAssertion[] = [
  {
    name: 'larger than 15 KiB',
    code: 'assertion.too_large',
    make: async () => `${'a'.repeat(15 * 1024)}.b.c`,
  },
  {
    name: 'two segments',
    code: 'assertion.malformed',
    make: async (c) => (await assertionFor(c.leaf)).split('.').slice(0, 2).join('.'),
  },
  {
    name: 'four segments',
    code: 'assertion.malformed',
    make: async (c) => `${await assertionFor(c.leaf)}.x`,
  },
  {
    name: 'unsigned (empty signature)',
    code: 'assertion.malformed',
    make: async (c) => rewrite(await assertionFor(c.leaf), { signature: '' }),
  },
  {
    name: 'standard base64 in the header',
    code: 'assertion.malformed',
    make: async (c) => {
      const [h, p, s] = (await assertionFor(c.leaf)).split('.');
      return [`${h}+/`, p, s].join('.');
    },
  },
  {
    name: 'padded base64url header',
    code: 'assertion.malformed',
    make: async (c) => {
      const [h, p, s] = (await assertionFor(c.leaf)).split('.');
      return [`${h}==`, p, s].join('.');
    },
  },
  {
    name: 'non-canonical base64url header',
    code: 'assertion.malformed',
    make: async (c) => {
      const token = await assertionFor(c.leaf);
      const [, p, s] = token.split('.');
      return [nonCanonicalHeader(decodeSegments(token).header), p, s].join('.');
    },
  },
  {
    name: 'header is a JSON array',
    code: 'assertion.malformed',
    make: async (c) => rewrite(await assertionFor(c.leaf), { header: '["ES256"]' }),
  },
  {
    name: 'header repeats alg',
    code: 'assertion.malformed',
    make: async (c) => {
      const h = await headerOf(c);
      return rewrite(await assertionFor(c.leaf), {
        header: `{"alg":"ES256","x5c":${JSON.stringify(h.x5c)},"alg":"none"}`,
      });
    },
  },
  {
    name: 'payload repeats aud',
    code: 'assertion.malformed',
    make: async (c) => {
      const p = claims();
      return rewrite(await assertionFor(c.leaf), {
        payload: `{"aud":"${LOGIN_AUDIENCE}","aud":"https://other.test","iat":${p.iat},"exp":${p.exp},"jti":"${p.jti}"}`,
      });
    },
  },
  {
    name: 'payload is not JSON',
    code: 'assertion.malformed',
    make: async (c) => rewrite(await assertionFor(c.leaf), { payload: 'aud=broker' }),
  },
  {
    name: 'payload is invalid UTF-8',
    code: 'assertion.malformed',
    make: async (c) => {
      const [h, , s] = (await assertionFor(c.leaf)).split('.');
      return [h, base64url.encode(new Uint8Array([0x7b, 0xff, 0x7d])), s].join('.');
    },
  },
  {
    name: 'jku header (fetch a key from here)',
    code: 'assertion.bad_header',
    make: withHeader({ jku: 'https://evil.test/jwks' }),
  },
  {
    name: 'x5u header',
    code: 'assertion.bad_header',
    make: withHeader({ x5u: 'https://evil.test/chain.pem' }),
  },
  {
    name: 'embedded jwk header',
    code: 'assertion.bad_header',
    make: async (c) =>
      assertionFor(c.leaf, {
        extraHeader: { jwk: c.leaf.key.publicKey.export({ format: 'jwk' }) },
      }),
  },
  {
    name: 'crit header',
    code: 'assertion.bad_header',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), {
        header: { ...(await headerOf(c)), crit: ['exp'], exp: 1 },
      }),
  },
  { name: 'b64 header', code: 'assertion.bad_header', make: withHeader({ b64: false }) },
  { name: 'typ other than JWT', code: 'assertion.bad_header', make: withHeader({ typ: 'at+jwt' }) },
  {
    name: 'alg missing',
    code: 'assertion.bad_header',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), { header: without(await headerOf(c), 'alg') }),
  },
  {
    name: 'alg none',
    code: 'assertion.bad_algorithm',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), {
        header: { ...(await headerOf(c)), alg: 'none' },
        signature: 'AAAA',
      }),
  },
  {
    name: 'alg none, empty signature',
    code: 'assertion.malformed',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), {
        header: { ...(await headerOf(c)), alg: 'none' },
        signature: '',
      }),
  },
  {
    name: 'alg HS256 keyed with the public key',
    code: 'assertion.bad_algorithm',
    make: async (c) =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', x5c: [...c.leaf.x5c] })
        .sign(new Uint8Array(c.leaf.key.publicKey.export({ type: 'spki', format: 'der' }))),
  },
  {
    name: 'alg RS256 with an EC leaf',
    code: 'assertion.bad_algorithm',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), { header: { ...(await headerOf(c)), alg: 'RS256' } }),
  },
  {
    name: 'alg ES256 with an RSA leaf',
    code: 'assertion.bad_algorithm',
    make: async (c) => {
      const t = await assertionFor(c.rsa);
      return rewrite(t, { header: { ...decodeSegments(t).header, alg: 'ES256' } });
    },
  },
  {
    name: 'alg ES384 with a P-256 leaf',
    code: 'assertion.bad_algorithm',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), { header: { ...(await headerOf(c)), alg: 'ES384' } }),
  },
  {
    name: 'alg RS384 (not on the list)',
    code: 'assertion.bad_algorithm',
    make: async (c) => assertionFor(c.rsa, { alg: 'RS384' }),
  },
  {
    name: 'alg EdDSA',
    code: 'assertion.bad_algorithm',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), { header: { ...(await headerOf(c)), alg: 'EdDSA' } }),
  },
  {
    name: 'x5c missing',
    code: 'assertion.bad_chain',
    make: async (c) => assertionFor(c.leaf, { x5c: null }),
  },
  {
    name: 'x5c is a string',
    code: 'assertion.bad_chain',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), { header: { alg: 'ES256', x5c: c.leaf.x5c[0] } }),
  },
  {
    name: 'x5c is empty',
    code: 'assertion.bad_chain',
    make: async (c) => assertionFor(c.leaf, { x5c: [] }),
  },
  {
    name: 'x5c holds six certificates',
    code: 'assertion.bad_chain',
    make: async (c) => assertionFor(c.leaf, { x5c: c.sixCertificates }),
  },
  {
    name: 'x5c entry in base64url',
    code: 'assertion.bad_chain',
    make: async (c) =>
      assertionFor(c.leaf, {
        x5c: [Buffer.from(c.leaf.x5c[0]!, 'base64').toString('base64url'), ...c.leaf.x5c.slice(1)],
      }),
  },
  {
    name: 'x5c entry with line breaks',
    code: 'assertion.bad_chain',
    make: async (c) =>
      assertionFor(c.leaf, {
        x5c: [c.leaf.x5c[0]!.replace(/(.{64})/g, '$1\n'), ...c.leaf.x5c.slice(1)],
      }),
  },
  {
    name: 'x5c entry is a number',
    code: 'assertion.bad_chain',
    make: async (c) => rewrite(await assertionFor(c.leaf), { header: { alg: 'ES256', x5c: [42] } }),
  },
  {
    name: 'x5c leaf is not a certificate',
    code: 'cert.malformed',
    make: async (c) =>
      assertionFor(c.leaf, { x5c: [Buffer.from('not a certificate at all').toString('base64')] }),
  },
  {
    name: 'x5c leaf is a PEM block',
    code: 'assertion.bad_chain',
    make: async (c) => assertionFor(c.leaf, { x5c: [c.leaf.pem] }),
  },
  {
    name: 'signed by another key',
    code: 'assertion.bad_signature',
    make: async (c) => assertionFor(c.leaf, { signingKey: c.other.key }),
  },
  {
    name: 'signature bit flipped',
    code: 'assertion.bad_signature',
    make: async (c) => corruptSignature(await assertionFor(c.leaf)),
  },
  {
    name: 'payload swapped after signing',
    code: 'assertion.bad_signature',
    make: async (c) => {
      const [, p] = (await assertionFor(c.leaf, { jti: 'another-jti-value' })).split('.');
      const [h, , s] = (await assertionFor(c.leaf)).split('.');
      return [h, p, s].join('.');
    },
  },
  {
    name: 'x5c swapped for another certificate after signing',
    code: 'assertion.bad_signature',
    make: async (c) =>
      rewrite(await assertionFor(c.leaf), {
        header: { ...(await headerOf(c)), x5c: [...c.other.x5c] },
      }),
  },
  { name: 'aud missing', code: 'assertion.bad_claims', make: withClaims(() => ({}), 'aud') },
  {
    name: 'aud is another broker',
    code: 'assertion.bad_audience',
    make: withClaims(() => ({ aud: 'https://other-broker.test' })),
  },
  {
    name: 'aud lists this broker and another',
    code: 'assertion.bad_audience',
    make: withClaims(() => ({ aud: [LOGIN_AUDIENCE, 'https://other-broker.test'] })),
  },
  {
    name: 'aud is an empty array',
    code: 'assertion.bad_claims',
    make: withClaims(() => ({ aud: [] })),
  },
  { name: 'aud is a number', code: 'assertion.bad_claims', make: withClaims(() => ({ aud: 1 })) },
  { name: 'iat missing', code: 'assertion.bad_claims', make: withClaims(() => ({}), 'iat') },
  {
    name: 'iat is a string',
    code: 'assertion.bad_claims',
    make: withClaims(() => ({ iat: String(now()) })),
  },
  { name: 'exp missing', code: 'assertion.bad_claims', make: withClaims(() => ({}), 'exp') },
  {
    name: 'exp before iat',
    code: 'assertion.bad_claims',
    make: withClaims(() => ({ exp: now() - 1 })),
  },
  {
    name: 'exp 301 s after iat',
    code: 'assertion.lifetime_too_long',
    make: withClaims(() => ({ exp: now() + 301 })),
  },
  {
    name: 'exp a day after iat',
    code: 'assertion.lifetime_too_long',
    make: withClaims(() => ({ exp: now() + 86_400 })),
  },
  {
    name: 'expired',
    code: 'assertion.expired',
    make: withClaims(() => ({ iat: now() - 400, exp: now() - 100 })),
  },
  {
    name: 'iat in the future',
    code: 'assertion.not_yet_valid',
    make: withClaims(() => ({ iat: now() + 120, exp: now() + 180 })),
  },
  {
    name: 'nbf in the future',
    code: 'assertion.not_yet_valid',
    make: withClaims(() => ({ nbf: now() + 120 })),
  },
  {
    name: 'nbf is a string',
    code: 'assertion.bad_claims',
    make: withClaims(() => ({ nbf: 'soon' })),
  },
  { name: 'jti missing', code: 'assertion.bad_claims', make: withClaims(() => ({}), 'jti') },
  { name: 'jti too short', code: 'assertion.bad_claims', make: withClaims(() => ({ jti: 'abc' })) },
  {
    name: 'jti is a number',
    code: 'assertion.bad_claims',
    make: withClaims(() => ({ jti: 12345678901 })),
  },
];
