// Flatness on made-up samples: a process that kept its pid is judged on the run; one restarted by
// faults is judged per life, at the same age in an early and a late life — so lives that each grow
// and are reset by the restart are flat, and lives that each start higher are not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAT_LIMIT, flatness, livesOf } from '../report/flatness.ts';
import type { Sample } from '../resources/sampler.ts';

const START = 1_800_000_000_000;
const STOP = START + 120_000;
const STEP = 2_000;

/** One life of `name`: samples every 2 s from `fromS` to `toS`, RSS (KiB) as `rss(ageS)`. */
function life(
  name: string,
  pid: number,
  fromS: number,
  toS: number,
  rss: (ageS: number) => number,
) {
  const out: Sample[] = [];
  for (let s = fromS; s <= toS; s += STEP / 1000) {
    out.push({ t: START + s * 1000, name, pid, rssKb: rss(s - fromS), fds: 20, sockets: 6 });
  }
  return out;
}

/** Four lives of 28 s (killed every 30 s), the n-th starting at `base(n)` and growing 1 MiB/s. */
function restartedThreeTimes(name: string, base: (n: number) => number): Sample[] {
  return [0, 1, 2, 3].flatMap((n) =>
    life(name, 100 + n, n * 30, n * 30 + 28, (age) => base(n) + age * 1_024),
  );
}

describe('soak flatness', () => {
  it('a process that kept its pid is judged on the run, from the end of the first quarter', () => {
    const samples = life('kms', 7, 0, 120, (age) => (age < 30 ? 50_000 + age * 1_000 : 80_000));
    const [kms] = flatness(samples, START, STOP);
    assert.equal(kms!.basis, 'run');
    assert.equal(kms!.restarted, false);
    assert.equal(kms!.lives, 1);
    assert.deepEqual(kms!.rssKb, [80_000, 80_000]);
    assert.equal(kms!.flat, true);
    assert.equal(kms!.perLife, undefined);
  });

  it('a process restarted three times whose lives each grow and are reset is flat per life', () => {
    const [redis] = flatness(
      restartedThreeTimes('redis', () => 100_000),
      START,
      STOP,
    );
    assert.equal(redis!.basis, 'per-life');
    assert.equal(redis!.restarted, true);
    assert.equal(redis!.lives, 4);
    // The quarter (30 s) falls in life 2; every life reached 28 s; the last is life 4.
    assert.deepEqual(redis!.perLife, { ageS: 28, lives: [2, 4] });
    assert.deepEqual(redis!.rssKb, [100_000 + 28 * 1_024, 100_000 + 28 * 1_024]);
    assert.equal(redis!.growth, 0);
    assert.equal(redis!.flat, true);
  });

  it('a process whose every life starts higher is not flat per life', () => {
    const [broker] = flatness(
      restartedThreeTimes('broker-a', (n) => 100_000 * 1.08 ** n),
      START,
      STOP,
    );
    assert.equal(broker!.basis, 'per-life');
    assert.deepEqual(broker!.perLife!.lives, [2, 4]);
    // Each life starts 8 % above the one before: two lives apart, over 10 % at the same age.
    assert.ok(broker!.growth > FLAT_LIMIT, `growth ${broker!.growth}`);
    assert.equal(broker!.flat, false);
  });

  it('the age is the shortest complete life from the quarter on; a cut last life counts if it reached it', () => {
    const samples = [
      ...life('rates', 1, 0, 10, () => 40_000), // before the quarter: not compared, not the age
      ...life('rates', 2, 12, 60, (age) => 50_000 + age * 100),
      ...life('rates', 3, 62, 100, (age) => 50_000 + age * 100),
      ...life('rates', 4, 102, 120, (age) => 90_000 + age * 100), // 18 s < 38 s: not reached
    ];
    const [rates] = flatness(samples, START, STOP);
    assert.deepEqual(rates!.perLife, { ageS: 38, lives: [2, 3] });
    assert.equal(rates!.flat, true);
  });

  it('restarted once in a short run: no two lives reach one age, so not comparable', () => {
    const samples = [
      ...life('broker-b', 1, 0, 50, (age) => 60_000 + age * 10),
      ...life('broker-b', 2, 54, 80, () => 61_000),
    ];
    const [broker] = flatness(samples, START, START + 80_000);
    assert.equal(broker!.basis, 'none');
    assert.equal(broker!.restarted, true);
    assert.equal(broker!.flat, false);
    assert.equal(broker!.perLife, undefined);
  });

  it('lives are runs of one pid in time order', () => {
    const samples = [...life('relay', 2, 10, 14, () => 1), ...life('relay', 1, 0, 8, () => 1)];
    assert.deepEqual(
      livesOf(samples).map((l) => [l[0]!.pid, l.length]),
      [
        [1, 5],
        [2, 3],
      ],
    );
  });
});
