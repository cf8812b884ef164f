// The overload guard's behaviour: which requests it sheds and why, never how fast. The event-loop
// signal is exercised by really blocking this process' loop; "recovers" is waited for with a
// generous bound that only keeps a broken guard from hanging the run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OverloadGuard, type OverloadReport } from '../../src/index.ts';

const busy = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {}
};

/** Polls `probe` until it is true; fails after `limitMs` (a hang guard, not a speed check). */
async function eventually(probe: () => boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!probe()) {
    if (Date.now() > until) assert.fail('condition never became true');
    await sleep(10);
  }
}

describe('overload guard', () => {
  it('sheds beyond maxInFlight until a request is released', () => {
    const guard = new OverloadGuard({ maxInFlight: 2, maxEventLoopDelayMs: 0, maxRssBytes: 0 });
    assert.equal(guard.admit(), undefined);
    assert.equal(guard.admit(), undefined);
    assert.equal(guard.admit(), 'in_flight');
    assert.equal(guard.inFlight, 2);
    guard.release();
    assert.equal(guard.admit(), undefined);
    assert.deepEqual(guard.shed, { in_flight: 1, event_loop: 0, memory: 0 });
  });

  it('check() sheds like admit() but counts nothing in flight', () => {
    const guard = new OverloadGuard({ maxInFlight: 1, maxEventLoopDelayMs: 0, maxRssBytes: 0 });
    assert.equal(guard.check(), undefined);
    assert.equal(guard.inFlight, 0);
    guard.admit();
    assert.equal(guard.check(), 'in_flight');
  });

  it('all signals off: disabled, and admits everything', () => {
    const guard = new OverloadGuard({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxRssBytes: 0 });
    assert.equal(guard.enabled, false);
    for (let i = 0; i < 10_000; i++) assert.equal(guard.admit(), undefined);
  });

  it('refuses negative or fractional limits (programmer misuse: TypeError)', () => {
    assert.throws(
      () => new OverloadGuard({ maxInFlight: -1, maxEventLoopDelayMs: 0, maxRssBytes: 0 }),
      TypeError,
    );
    assert.throws(
      () => new OverloadGuard({ maxInFlight: 0, maxEventLoopDelayMs: 1.5, maxRssBytes: 0 }),
      TypeError,
    );
  });

  it('a blocked event loop sheds a share of new requests, reports it, and recovers', async () => {
    const reports: OverloadReport[] = [];
    const guard = new OverloadGuard({
      maxInFlight: 0,
      maxEventLoopDelayMs: 20,
      maxRssBytes: 0,
      onReport: (r) => reports.push(r),
      // On a test machine shared with other work the busy loop may get less than 75 % of a core.
      minCpuShare: 0,
    });
    guard.start();
    try {
      // Requests in flight, as on a busy server (below 8 the delay is not theirs: see below).
      for (let i = 0; i < 8; i++) guard.admit();
      // A free loop sheds nothing.
      await eventually(() => guard.shedShare === 0);
      for (let i = 0; i < 100; i++) assert.equal(guard.check(), undefined);
      // The loop blocked ten times the threshold, again and again, as a saturated CPU does.
      let shed = 0;
      for (let round = 0; round < 5; round++) {
        busy(200);
        await sleep(1);
        for (let i = 0; i < 100; i++) if (guard.check() === 'event_loop') shed++;
      }
      assert.ok(shed > 0, 'no request shed while the loop was blocked');
      // With fewer than 8 in flight the delay is not the requests' doing: nothing is shed.
      for (let i = 0; i < 8; i++) guard.release();
      assert.ok(guard.shedShare > 0);
      for (let i = 0; i < 100; i++) assert.equal(guard.check(), undefined);
      for (let i = 0; i < 8; i++) guard.admit();
      assert.equal(guard.shed.event_loop, shed);
      await eventually(() => reports.length > 0);
      assert.ok(reports[0]!.shed.event_loop > 0);
      assert.ok(reports[0]!.maxEventLoopDelayMs >= 20);
      // Free again: the share falls back to nothing.
      await eventually(() => guard.shedShare === 0);
      for (let i = 0; i < 100; i++) assert.equal(guard.check(), undefined);
    } finally {
      guard.stop();
    }
  });

  it('one lone pause of the loop (a GC, a reload) sheds nothing', async () => {
    // A high threshold, so a test machine busy with other work is not mistaken for saturation.
    const guard = new OverloadGuard({ maxInFlight: 0, maxEventLoopDelayMs: 250, maxRssBytes: 0 });
    for (let i = 0; i < 8; i++) guard.admit();
    guard.start();
    try {
      await sleep(50);
      busy(1500);
      // The late sample runs first; then the loop is free again.
      await sleep(30);
      assert.equal(guard.shedShare, 0);
    } finally {
      guard.stop();
    }
  });

  it('a loop late while the process barely used the CPU (starved by others) sheds nothing', async () => {
    const guard = new OverloadGuard({
      maxInFlight: 0,
      maxEventLoopDelayMs: 20,
      maxRssBytes: 0,
      // The CPU clock stands still: whatever held the loop up, it was not this process' work.
      cpuMicros: () => 0,
    });
    for (let i = 0; i < 8; i++) guard.admit();
    guard.start();
    try {
      for (let round = 0; round < 5; round++) {
        busy(200);
        await sleep(1);
      }
      assert.equal(guard.shedShare, 0);
      for (let i = 0; i < 100; i++) assert.equal(guard.check(), undefined);
    } finally {
      guard.stop();
    }
  });

  it('sheds everything while the resident memory is over maxRssBytes', async () => {
    let rss = 100;
    const guard = new OverloadGuard({
      maxInFlight: 0,
      maxEventLoopDelayMs: 0,
      maxRssBytes: 1000,
      rss: () => rss,
    });
    guard.start();
    try {
      assert.equal(guard.admit(), undefined);
      rss = 2000;
      await eventually(() => guard.check() === 'memory');
      rss = 500;
      await eventually(() => guard.check() === undefined);
      assert.ok(guard.shed.memory > 0);
    } finally {
      guard.stop();
    }
  });
});
