// The oracle on made-up answers: each rule must be able to fail, so each case here is one the
// soak must tell apart — a failure a fault explains and the same failure outside it, a denied
// principal let through, a proof accepted twice (at one party or across a broker and the gateway,
// which claim in one Redis), a revoked key honoured too long, a token issued while KMS refused to
// sign, a raw proof failing or accepted while Redis was down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REVOCATION_PROPAGATION_MS } from '../faults/schedule.ts';
import { classify, type OracleInput } from '../oracle/classify.ts';
import { checkInvariants } from '../oracle/invariants.ts';
import type { FaultWindow, OutcomeRecord } from '../oracle/records.ts';

const kmsWindow: FaultWindow = {
  name: 'kms-throttle',
  cycle: 0,
  start: 1_000,
  active: 1_100,
  lifted: 5_000,
  end: 5_100,
  settleMs: 2_000,
};
const redisWindow: FaultWindow = {
  name: 'redis-stop',
  cycle: 0,
  start: 50_000,
  active: 50_100,
  lifted: 54_000,
  end: 54_100,
  settleMs: 3_000,
};
const stsWindow: FaultWindow = { ...redisWindow, name: 'sts-5xx', start: 70_000, active: 70_100 };
const input: OracleInput = {
  windows: [kmsWindow, redisWindow, { ...stsWindow, lifted: 74_000, end: 74_100 }],
  flips: [
    { at: 20_000, denied: true },
    { at: 30_000, denied: false },
  ],
  revokedAt: new Map([['old-kid', 40_000]]),
};
const base = { lg: 'test', caller: 'orders', end: 0 } as const;
const broker = (t: number, status: number, extra: Partial<OutcomeRecord> = {}): OutcomeRecord => ({
  ...base,
  t,
  end: t + 100,
  target: 'broker',
  kind: 'x509-login',
  broker: 0,
  status,
  retryAfter: status === 503,
  ...extra,
});
const gateway = (t: number, status: number, extra: Partial<OutcomeRecord> = {}): OutcomeRecord => ({
  ...base,
  t,
  end: t + 50,
  target: 'gateway',
  kind: 'client',
  service: 'rates',
  status,
  ...extra,
});

describe('soak oracle', () => {
  it('a 503 with Retry-After is expected inside the KMS window and unexpected after its settle', () => {
    assert.equal(classify(broker(2_000, 503), input).class, 'fault');
    assert.equal(classify(broker(6_500, 503), input).fault, 'kms-throttle');
    assert.equal(classify(broker(9_000, 503), input).class, 'unexpected');
    assert.equal(classify(broker(2_000, 503, { retryAfter: false }), input).class, 'unexpected');
  });

  it('the flipped permission: reviews → rates allowed, then denied after the reload, either while it lands', () => {
    const reviews = { caller: 'reviews' } as const;
    assert.equal(classify(gateway(10_000, 200, reviews), input).class, 'success');
    assert.equal(
      classify(gateway(10_000, 403, { ...reviews, code: 'request.denied' }), input).class,
      'unexpected',
    );
    assert.equal(classify(gateway(21_000, 200, reviews), input).class, 'success');
    assert.equal(classify(gateway(25_000, 200, reviews), input).class, 'unexpected');
    assert.equal(
      classify(gateway(25_000, 403, { ...reviews, code: 'request.denied' }), input).class,
      'refusal',
    );
  });

  it('a denied principal let in breaks denied-never-allowed', () => {
    const records = [gateway(10_000, 200, { caller: 'reviews', service: 'billing' })];
    const verdicts = records.map((r) => classify(r, input));
    assert.equal(verdicts[0]!.class, 'unexpected');
    const broken = checkInvariants(records, verdicts, input).find(
      (i) => i.name === 'denied-never-allowed',
    );
    assert.equal(broken!.broken.length, 1);
  });

  it('a proof accepted twice breaks proof-accepted-once, at a broker or a gateway worker', () => {
    const records = [
      broker(10_000, 200, { proof: 'p1' }),
      broker(10_000, 200, { proof: 'p1', broker: 1 }),
      gateway(11_000, 200, { kind: 'raw-proof', proof: 'p2' }),
      gateway(11_000, 401, {
        kind: 'hostile-replay-gateway',
        proof: 'p2',
        code: 'sts.proof_replayed',
      }),
    ];
    const result = checkInvariants(
      records,
      records.map((r) => classify(r, input)),
      input,
    );
    assert.equal(result.find((i) => i.name === 'proof-accepted-once')!.broken.length, 2);
  });

  it("a revoked key's token: refused after revocation is expected; accepted after propagation breaks the invariant", () => {
    const kid = { kid: 'old-kid' };
    assert.equal(
      classify(gateway(41_000, 401, { ...kid, code: 'token.unknown_key' }), input).class,
      'refusal',
    );
    const late = gateway(40_000 + REVOCATION_PROPAGATION_MS + 1, 200, kid);
    const early = gateway(41_000, 200, kid);
    const result = checkInvariants(
      [early, late],
      [early, late].map((r) => classify(r, input)),
      input,
    );
    assert.deepEqual(result.find((i) => i.name === 'revoked-key-refused')!.broken, [late]);
  });

  it('a token issued while KMS refused every Sign breaks nothing-issued-while-a-dependency-says-no', () => {
    const records = [broker(2_000, 200), broker(5_050, 200)];
    const result = checkInvariants(
      records,
      records.map((r) => classify(r, input)),
      input,
    );
    assert.deepEqual(
      result.find((i) => i.name === 'nothing-issued-while-a-dependency-says-no')!.broken,
      [records[0]],
    );
  });

  describe("the gateway claims raw proofs in the brokers' Redis", () => {
    const unavailable = { status: 503, code: 'sts.unavailable', retryAfter: true } as const;
    const rawProof = (t: number, extra: Partial<OutcomeRecord> = {}) =>
      gateway(t, unavailable.status, {
        ...unavailable,
        kind: 'raw-proof',
        proof: `raw-${t}`,
        viaSts: true,
        ...extra,
      });

    it('503 sts.unavailable for a raw proof is expected inside a Redis window (and its settle) only', () => {
      assert.deepEqual(classify(rawProof(52_000), input), {
        class: 'fault',
        fault: 'redis-stop',
      });
      assert.equal(classify(rawProof(56_000), input).fault, 'redis-stop');
      assert.equal(classify(rawProof(60_000), input).class, 'unexpected');
      assert.equal(classify(rawProof(52_000, { retryAfter: false }), input).class, 'unexpected');
      const replayed = rawProof(52_000, { kind: 'hostile-replay-gateway' });
      assert.equal(classify(replayed, input).fault, 'redis-stop');
    });

    it('a bearer token does not need Redis: sts.unavailable for it is unexpected in a Redis window', () => {
      const bearer = gateway(52_000, 503, { ...unavailable, kid: 'kid-1' });
      assert.equal(classify(bearer, input).class, 'unexpected');
    });

    it('a proof a broker spent is refused at the gateway as replayed; only Redis explains a 503', () => {
      const cross = (t: number, status: number, extra: Partial<OutcomeRecord> = {}) =>
        gateway(t, status, {
          kind: 'hostile-replay-cross',
          proof: 'spent',
          viaSts: true,
          ...extra,
        });
      assert.equal(
        classify(cross(10_000, 401, { code: 'sts.proof_replayed' }), input).class,
        'refusal',
      );
      assert.equal(classify(cross(10_000, 200), input).class, 'unexpected');
      assert.equal(classify(cross(52_000, 503, unavailable), input).fault, 'redis-stop');
      // The replay check comes before STS: an STS fault cannot be why it failed.
      assert.equal(classify(cross(72_000, 503, unavailable), input).class, 'unexpected');
      assert.equal(classify(rawProof(72_000), input).fault, 'sts-5xx');
    });

    it('a proof the gateway spent is refused at a broker as replayed, never accepted', () => {
      const cross = { kind: 'hostile-replay-cross', proof: 'spent', viaSts: true } as const;
      assert.equal(
        classify(broker(10_000, 401, { ...cross, code: 'proof.replayed' }), input).class,
        'refusal',
      );
      assert.equal(classify(broker(10_000, 200, cross), input).class, 'unexpected');
      assert.equal(classify(broker(52_000, 503, cross), input).fault, 'redis-stop');
      assert.equal(classify(broker(2_000, 503, cross), input).class, 'unexpected');
    });

    it('one proof accepted at a broker and at the gateway breaks proof-accepted-once', () => {
      const records = [
        broker(10_000, 200, { kind: 'hostile-replay-broker', proof: 'p3', viaSts: true }),
        gateway(10_500, 200, { kind: 'hostile-replay-cross', proof: 'p3', viaSts: true }),
        broker(11_000, 200, { kind: 'hostile-replay-broker', proof: 'p4', viaSts: true }),
        gateway(11_500, 401, {
          kind: 'hostile-replay-cross',
          proof: 'p4',
          viaSts: true,
          code: 'sts.proof_replayed',
        }),
      ];
      const result = checkInvariants(
        records,
        records.map((r) => classify(r, input)),
        input,
      );
      assert.deepEqual(
        result.find((i) => i.name === 'proof-accepted-once')!.broken,
        records.slice(0, 2),
      );
    });

    it('a raw proof accepted while Redis was stopped breaks nothing-issued-while-a-dependency-says-no', () => {
      const during = gateway(51_000, 200, { kind: 'raw-proof', proof: 'p5', viaSts: true });
      const bearer = gateway(51_000, 200, { kid: 'kid-1' });
      const after = gateway(54_050, 200, { kind: 'raw-proof', proof: 'p6', viaSts: true });
      const records = [during, bearer, after];
      const result = checkInvariants(
        records,
        records.map((r) => classify(r, input)),
        input,
      );
      assert.deepEqual(
        result.find((i) => i.name === 'nothing-issued-while-a-dependency-says-no')!.broken,
        [during],
      );
    });
  });
});
