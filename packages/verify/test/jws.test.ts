// The compact JWS and its header, by allow-list: every malformed or dangerous token is refused
// with its code, before any claim is read.
import assert from 'node:assert/strict';
import { createHmac, sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { createVerifier, type Verifier } from '../src/index.ts';
import {
  AUDIENCE,
  fakeClock,
  headerJson,
  ISSUER,
  makeKey,
  rawToken,
  rolegateClaims,
  signed,
  type TestKey,
} from './support/keys.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const payload = () => JSON.stringify(rolegateClaims());

describe('compact JWS and header', () => {
  let key: TestKey;
  let other: TestKey;
  let verifier: Verifier;
  let good: string;

  before(async () => {
    key = await makeKey();
    other = await makeKey();
    verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [key.jwk],
      now: fakeClock().now,
      tokenCacheSize: 0,
    });
    good = await signed(key);
  });

  const rejects = (token: string, code: string) =>
    assert.rejects(verifier.verify(token), { name: 'VerifyError', code });

  it('accepts a well-formed token signed by jose', async () => {
    const p = await verifier.verify(good);
    assert.equal(p.arn, 'arn:aws:iam::111122223333:role/orders');
  });

  it('accepts a hand-made token with the same content', async () => {
    const p = await verifier.verify(rawToken(key, headerJson(key), payload()));
    assert.equal(p.account, '111122223333');
  });

  it('refuses tokens over the size limit before parsing them', async () => {
    await rejects(`${'a'.repeat(16_385)}.b.c`, 'token.too_large');
  });

  it('refuses anything but three non-empty parts', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    await rejects(`${h}.${p}`, 'token.malformed');
    await rejects(`${h}.${p}.${s}.x`, 'token.malformed');
    await rejects(`${h}.${p}.`, 'token.malformed'); // alg none's shape
    await rejects(`.${p}.${s}`, 'token.malformed');
    await rejects('', 'token.malformed');
  });

  it('refuses non-canonical base64url in any part', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    const std = (x: string) => Buffer.from(x, 'base64url').toString('base64'); // + / and padding
    await rejects(`${h}.${p}.${s}=`, 'token.malformed');
    await rejects(`${std(h)}.${p}.${s}`, std(h) === h ? 'token.bad_signature' : 'token.malformed');
    await rejects(`${h}.${p}.${s.slice(0, 10)} ${s.slice(10)}`, 'token.malformed');
    // The same bytes with non-zero unused trailing bits: decodes identically, spelled differently.
    const last = s.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!; // flips an unused low bit
    assert.deepEqual(
      Buffer.from(s.slice(0, -1) + twin, 'base64url'),
      Buffer.from(s, 'base64url'),
      'the twin spelling decodes to the same signature',
    );
    await rejects(`${h}.${p}.${s.slice(0, -1)}${twin}`, 'token.malformed');
  });

  it('refuses duplicate keys and lax JSON in the header, read before the signature', async () => {
    const dupHeader = `{"alg":"RS256","kid":"${key.kid}","kid":"${other.kid}"}`;
    await rejects(rawToken(key, dupHeader, payload()), 'token.malformed');
    await rejects(rawToken(key, `\uFEFF${headerJson(key)}`, payload()), 'token.malformed');
    await rejects(rawToken(key, headerJson(key).replace('}', ',}'), payload()), 'token.malformed');
  });

  it('refuses a header or payload that is not a JSON object or not UTF-8', async () => {
    await rejects(rawToken(key, '["RS256"]', payload()), 'token.malformed');
    await rejects(rawToken(key, headerJson(key), '"claims"'), 'token.malformed');
    const badUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url');
    const input = `${b64(headerJson(key))}.${badUtf8}`;
    const sig = sign('sha256', Buffer.from(input), key.privateKey).toString('base64url');
    await rejects(`${input}.${sig}`, 'token.malformed');
  });

  for (const name of ['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64', 'zip', 'enc']) {
    it(`refuses the "${name}" header parameter`, async () => {
      const value = name === 'crit' ? ['exp'] : name === 'b64' ? false : 'x';
      await rejects(
        rawToken(key, headerJson(key, { [name]: value }), payload()),
        'token.bad_header',
      );
    });
  }

  it('refuses typ other than JWT, and accepts jwt in any case or no typ', async () => {
    await rejects(rawToken(key, headerJson(key, { typ: 'at+jwt' }), payload()), 'token.bad_header');
    await rejects(rawToken(key, headerJson(key, { typ: 7 }), payload()), 'token.bad_header');
    await verifier.verify(rawToken(key, headerJson(key, { typ: 'jwt' }), payload()));
    await verifier.verify(rawToken(key, JSON.stringify({ alg: 'RS256', kid: key.kid }), payload()));
  });

  it('refuses alg none, HS256 and algorithms not on the list', async () => {
    const none = `${b64('{"alg":"none"}')}.${b64(payload())}.`;
    await rejects(none, 'token.malformed');
    await rejects(`${none}AA`, 'token.algorithm_not_allowed');
    await rejects(
      rawToken(key, headerJson(key, { alg: 'ES256' }), payload()),
      'token.algorithm_not_allowed',
    );
    await rejects(rawToken(key, JSON.stringify({ kid: key.kid }), payload()), 'token.bad_header');
    // The classic confusion: HS256 with the public key (as published) used as the HMAC secret.
    const input = `${b64(JSON.stringify({ alg: 'HS256', kid: key.kid }))}.${b64(payload())}`;
    const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
    const mac = createHmac('sha256', secret).update(input).digest('base64url');
    await rejects(`${input}.${mac}`, 'token.algorithm_not_allowed');
  });

  it('refuses a bad or empty-string kid, and a kid it does not hold', async () => {
    await rejects(rawToken(key, headerJson(key, { kid: '' }), payload()), 'token.bad_header');
    await rejects(rawToken(key, headerJson(key, { kid: 42 }), payload()), 'token.bad_header');
    await rejects(await signed(other), 'token.unknown_key');
  });

  it('uses the only key when the token names none', async () => {
    const p = await verifier.verify(rawToken(key, '{"alg":"RS256"}', payload()));
    assert.equal(p.type, 'AssumedRole');
  });

  it('refuses a token signed by another key under a known kid, and a changed payload', async () => {
    await rejects(rawToken(other, headerJson(key), payload()), 'token.bad_signature');
    const [h, , s] = good.split('.') as [string, string, string];
    const forged = b64(
      JSON.stringify(rolegateClaims({ sub: 'arn:aws:iam::111122223333:role/admin' })),
    );
    await rejects(`${h}.${forged}.${s}`, 'token.bad_signature');
  });

  it('takes only a string', async () => {
    await assert.rejects(verifier.verify(42 as unknown as string), TypeError);
  });
});

describe('other algorithms, when allowed', () => {
  for (const alg of ['PS256', 'ES256', 'EdDSA'] as const) {
    it(`verifies ${alg} and refuses it when not allowed`, async () => {
      const key = await makeKey(alg);
      const token = await signed(key);
      const clock = fakeClock();
      const allowed = createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        keys: [key.jwk],
        algorithms: [alg],
        now: clock.now,
      });
      assert.equal((await allowed.verify(token)).account, '111122223333');
      const rsOnly = createVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        keys: [key.jwk],
        now: clock.now,
      });
      await assert.rejects(rsOnly.verify(token), { code: 'token.algorithm_not_allowed' });
    });
  }

  it('never lets an RSA key check an ES256 token', async () => {
    const rsa = await makeKey('RS256');
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: [{ ...rsa.jwk, alg: undefined }],
      algorithms: ['RS256', 'ES256'],
      now: fakeClock().now,
    });
    const token = rawToken(rsa, headerJson(rsa, { alg: 'ES256' }), payload());
    await assert.rejects(v.verify(token), { code: 'token.unknown_key' });
  });
});
