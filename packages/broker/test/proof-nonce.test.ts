// The proof nonce (docs/specs/sts-proof.md, "Envelope"): SigV4 is deterministic, so without it two
// processes signing with one key in the same second make one proof, which the broker accepts once.
// A nonce is good only when it is both sent (after the URL) and signed (x-rolegate-nonce in
// X-Amz-SignedHeaders), and STS then checks it like the audience: the broker sends the value it
// read, so a nonce swapped for another fails the signature.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStsProof } from '@rolegate/client';
import { IdentityError } from '@rolegate/identity';
import { buildStsAllowList } from '../../identity/src/sts/endpoints.ts';
import { validateStsProof } from '../../identity/src/sts/validate-proof.ts';
import {
  AUDIENCE,
  encodeProof,
  splitProof,
  TEST_CREDENTIALS,
  validProofUrl,
} from '../../identity/test/support/proof-builder.ts';
import { type Harness, LOGIN_AUDIENCE, startHarness, tokenForm } from './support/harness.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const options = {
  allowList: buildStsAllowList({
    partitions: ['aws'],
    global: true,
    fips: false,
    dualStack: false,
  }),
  nowSeconds: NOW.getTime() / 1000,
  maxFutureSkewSeconds: 60,
};

function refusal(proof: string): string {
  try {
    validateStsProof(proof, options);
  } catch (error) {
    assert.ok(error instanceof IdentityError, `not an IdentityError: ${error}`);
    return error.code;
  }
  return 'accepted';
}

const proofWithNonce = () =>
  createStsProof({
    audience: AUDIENCE,
    credentials: TEST_CREDENTIALS,
    endpoint: { host: 'sts.us-east-1.amazonaws.com', region: 'us-east-1' },
    now: NOW,
  });

describe('proof nonce, offline', () => {
  it('a proof with a signed nonce validates, and carries it', async () => {
    const proof = await proofWithNonce();
    const { url, nonce } = splitProof(proof);
    assert.match(nonce ?? '', /^[A-Za-z0-9_-]{22}$/);
    assert.match(url, /X-Amz-SignedHeaders=host%3Bx-rolegate-audience%3Bx-rolegate-nonce&/);
    assert.equal(validateStsProof(proof, options).nonce, nonce);
  });

  it('the older form without a nonce still validates', async () => {
    const proof = encodeProof(await validProofUrl({ now: NOW }));
    assert.equal(validateStsProof(proof, options).nonce, undefined);
  });

  it('proofs of one key signed in the same second differ', async () => {
    const proofs = await Promise.all(Array.from({ length: 20 }, proofWithNonce));
    const signatures = proofs.map((p) => validateStsProof(p, options).signature);
    assert.equal(new Set(signatures).size, 20);
  });

  it('a nonce signed but not sent, or sent but not signed, is refused', async () => {
    const { url, nonce } = splitProof(await proofWithNonce());
    assert.equal(refusal(encodeProof(url)), 'proof.bad_nonce');
    const older = await validProofUrl({ now: NOW });
    assert.equal(refusal(encodeProof(older, nonce)), 'proof.bad_nonce');
  });

  for (const [label, nonce] of [
    ['empty', ''],
    ['too short', 'a'.repeat(21)],
    ['too long', 'a'.repeat(65)],
    ['padded', `${'a'.repeat(22)}==`],
    ['base64, not base64url', `${'a'.repeat(21)}+`],
    ['a second dot', `${'a'.repeat(22)}.${'b'.repeat(22)}`],
    ['a space', `${'a'.repeat(22)} `],
    ['non-ASCII', `${'a'.repeat(21)}é`],
  ] as const) {
    it(`a nonce that is ${label} is refused`, async () => {
      const { url } = splitProof(await proofWithNonce());
      assert.equal(refusal(`${encodeProof(url)}.${nonce}`), 'proof.bad_nonce');
    });
  }
});

describe('proof nonce, with STS', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('proofs of one key made in the same second each log in once', async () => {
    // Pinned to one second, as two processes starting together would sign.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const proofs = await Promise.all(
      Array.from({ length: 5 }, () => h.proofFor('orders', { now })),
    );
    for (const proof of proofs) {
      const res = await h.exchange(tokenForm(proof));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    for (const proof of proofs) {
      assert.equal((await h.exchange(tokenForm(proof))).body.rolegate_code, 'proof.replayed');
    }
  });

  it('a nonce swapped for another fails the signature at STS', async () => {
    const { url } = splitProof(await h.proofFor('orders'));
    const res = await h.exchange(tokenForm(encodeProof(url, 'x'.repeat(22))));
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'sts.signature_mismatch');
    assert.equal(h.sts.lastRequest?.headers['x-rolegate-nonce'], 'x'.repeat(22));
    assert.equal(h.sts.lastRequest?.headers['x-rolegate-audience'], LOGIN_AUDIENCE);
  });
});
