// Hostile X.509 assertions around a perfect certificate, offline and over HTTP; then the rules
// that need more than one request: single use of `jti`, concurrent replays, and the check order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityError } from '@rolegate/identity';
import { BROKER_ERRORS } from '../../src/errors/codes.ts';
import { type AssertionContext, HOSTILE_ASSERTIONS } from './support/hostile-assertions.ts';
import { rewrite } from './support/jws.ts';
import { createX509Fixture, offlineLogins, type X509Fixture } from './support/pki-fixture.ts';
import { assertionFor, startX509Harness, type X509Harness } from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
let h: X509Harness;
let ctx: AssertionContext;
before(async () => {
  h = await startX509Harness(f);
  const deep = f.svids.broken.chainTooLong;
  ctx = {
    leaf: f.svids.valid,
    other: f.svids.intermediate.issueSvid('spiffe://example.org/other'),
    rsa: f.svids.oddButValid.rsaLeaf,
    sixCertificates: deep.x5c,
  };
  assert.equal(deep.x5c.length, 6);
});
after(async () => {
  await h?.close();
  f.cleanup();
});

it('there are at least 50 hostile assertions', () => {
  assert.ok(HOSTILE_ASSERTIONS.length >= 50, String(HOSTILE_ASSERTIONS.length));
});

describe('hostile assertions, offline', () => {
  for (const hostile of HOSTILE_ASSERTIONS) {
    it(`${hostile.name} → ${hostile.code}`, async () => {
      const { x509Login } = offlineLogins(f.x509);
      await assert.rejects(x509Login.authenticate(await hostile.make(ctx)), (error: unknown) => {
        assert.ok(error instanceof IdentityError, String(error));
        assert.equal(error.code, hostile.code, error.message);
        return true;
      });
    });
  }
});

describe('hostile assertions over HTTP', () => {
  for (const hostile of HOSTILE_ASSERTIONS) {
    it(`${hostile.name} → ${BROKER_ERRORS[hostile.code].status} ${hostile.code}`, async () => {
      const res = await h.send(await hostile.make(ctx));
      assert.equal(res.body.rolegate_code, hostile.code);
      assert.equal(res.status, BROKER_ERRORS[hostile.code].status);
      assert.equal(res.body.access_token, undefined);
      assert.doesNotMatch(h.logs(), /"subject_token":"ey/, 'the assertion is never logged');
    });
  }
});

describe('single use', () => {
  it('an assertion works once; the second use is assertion.replayed (401)', async () => {
    const assertion = await assertionFor(f.svids.valid);
    assert.equal((await h.send(assertion)).status, 200);
    const again = await h.send(assertion);
    assert.equal(again.status, 401);
    assert.equal(again.body.rolegate_code, 'assertion.replayed');
  });

  it('of concurrent uses of one assertion, exactly one gets a token', async () => {
    const assertion = await assertionFor(f.svids.valid);
    const results = await Promise.all(Array.from({ length: 8 }, () => h.send(assertion)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    for (const r of results.filter((r) => r.status !== 200))
      assert.equal(r.body.rolegate_code, 'assertion.replayed');
  });

  it('the same jti from two certificates is two different assertions', async () => {
    const jti = 'shared-jti-0123456789';
    assert.equal((await h.send(await assertionFor(f.svids.valid, { jti }))).status, 200);
    const other = await assertionFor(f.svids.oddButValid.p384Leaf, { jti });
    assert.equal((await h.send(other)).status, 200);
  });

  it('a refused assertion is not burnt: the jti is claimed only after every check passed', async () => {
    const { x509Login } = offlineLogins(f.x509);
    const jti = 'not-burnt-0123456789';
    const revoked = await assertionFor(f.svids.broken.revoked, { jti });
    await assert.rejects(x509Login.authenticate(revoked), { code: 'cert.revoked' });
    await x509Login.authenticate(await assertionFor(f.svids.valid, { jti }));
  });
});

describe('check order (docs/specs/x509.md §1)', () => {
  it('a bad alg is refused before the certificate is even parsed', async () => {
    const { x509Login } = offlineLogins(f.x509);
    const token = rewrite(await assertionFor(f.svids.valid), {
      header: { alg: 'HS256', x5c: [Buffer.from('junk').toString('base64')] },
    });
    await assert.rejects(x509Login.authenticate(token), { code: 'assertion.bad_algorithm' });
  });

  it('the signature is checked before the claims, and the claims before the chain', async () => {
    const { x509Login } = offlineLogins(f.x509);
    const expiredAndForged = await assertionFor(f.svids.valid, {
      signingKey: ctx.other.key,
      iat: Math.floor(Date.now() / 1000) - 1000,
      expiresIn: 60,
    });
    await assert.rejects(x509Login.authenticate(expiredAndForged), {
      code: 'assertion.bad_signature',
    });
    const expiredWithRevokedCert = await assertionFor(f.svids.broken.revoked, {
      iat: Math.floor(Date.now() / 1000) - 1000,
      expiresIn: 60,
    });
    await assert.rejects(x509Login.authenticate(expiredWithRevokedCert), {
      code: 'assertion.expired',
    });
  });

  it('an assertion made for another broker is refused even with a valid chain', async () => {
    const res = await h.send(
      await assertionFor(f.svids.valid, { audience: 'https://elsewhere.test' }),
    );
    assert.equal(res.body.rolegate_code, 'assertion.bad_audience');
  });

  it('without an x509 section the token type is unsupported', async () => {
    const { startHarness } = await import('../support/harness.ts');
    const plain = await startHarness();
    try {
      const res = await plain.exchange({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: await assertionFor(f.svids.valid),
        subject_token_type: 'urn:rolegate:token-type:x509-assertion',
        audience: 'https://billing.example',
      });
      assert.equal(res.body.rolegate_code, 'request.unsupported_token_type');
    } finally {
      await plain.close();
    }
  });
});
