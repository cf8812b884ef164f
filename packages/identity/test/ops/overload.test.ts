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
    assert.deepEqual(guard.shed, { in_flight: 1, queue: 0, event_loop: 0, memory: 0 });
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
    for (const maxQueueMs of [-1, 0.5, Number.NaN])
      assert.throws(() => new OverloadGuard({ ...QUEUE_ONLY, maxQueueMs }), TypeError);
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

  describe('queue bound (maxQueueMs)', () => {
    it('saturated: holds requests in flight to what completes in maxQueueMs at capacity', async () => {
      let utilisation = 1;
      const guard = new OverloadGuard({ ...QUEUE_ONLY, utilisation: () => utilisation });
      guard.start();
      try {
        // About 10 completions a millisecond for 300 ms: capacity ≈ 10/ms, bound ≈ 10 × 20.
        await complete(guard, 100, 30);
        const bound = guard.queueBound;
        assert.ok(Number.isFinite(bound), `bound ${bound}`);
        assert.ok(bound >= 16 && bound < 1_000, `bound ${bound} for ~10 completions/ms × 20 ms`);
        while (guard.admit() === undefined) assert.ok(guard.inFlight <= bound);
        assert.equal(guard.inFlight, bound);
        assert.equal(guard.check(), 'queue');
        assert.ok(guard.shed.queue >= 2);
        // A release frees a place at once.
        guard.release();
        assert.equal(guard.admit(), undefined);
        // The loop no longer saturated: no bound, whatever is in flight.
        utilisation = 0;
        await eventually(() => guard.queueBound === Number.POSITIVE_INFINITY);
        for (let i = 0; i < 5_000; i++) assert.equal(guard.admit(), undefined);
      } finally {
        guard.stop();
      }
    });

    it('not saturated: never sheds, however many are in flight (a slow upstream is not overload)', async () => {
      const guard = new OverloadGuard({ ...QUEUE_ONLY, utilisation: () => 0.5 });
      guard.start();
      try {
        await complete(guard, 100, 20);
        for (let i = 0; i < 20_000; i++) assert.equal(guard.admit(), undefined);
        assert.equal(guard.queueBound, Number.POSITIVE_INFINITY);
        assert.equal(guard.shed.queue, 0);
      } finally {
        guard.stop();
      }
    });

    it('a closed loop at capacity (few in flight) is never shed', async () => {
      const guard = new OverloadGuard({ ...QUEUE_ONLY, utilisation: () => 1 });
      guard.start();
      try {
        // 8 callers, each sending again as soon as answered: in flight never above 8.
        for (let round = 0; round < 30; round++) {
          for (let i = 0; i < 100; i++) {
            for (let c = 0; c < 8; c++) assert.equal(guard.admit(), undefined);
            for (let c = 0; c < 8; c++) guard.release();
          }
          await sleep(10);
        }
        assert.equal(guard.shed.queue, 0);
      } finally {
        guard.stop();
      }
    });

    it('the bound remembers the capacity: a flood that slows completions does not shrink it to nothing', async () => {
      const guard = new OverloadGuard({ ...QUEUE_ONLY, utilisation: () => 1 });
      guard.start();
      try {
        await complete(guard, 100, 30);
        const atCapacity = guard.queueBound;
        // Shedding takes the CPU: completions fall to a trickle for 300 ms.
        await complete(guard, 1, 30);
        assert.ok(
          guard.queueBound >= atCapacity * 0.9,
          `bound fell from ${atCapacity} to ${guard.queueBound}`,
        );
      } finally {
        guard.stop();
      }
    });

    it('a server that knows no rate yet still admits a minimum of 16', async () => {
      const guard = new OverloadGuard({ ...QUEUE_ONLY, utilisation: () => 1 });
      guard.start();
      try {
        await eventually(() => Number.isFinite(guard.queueBound));
        assert.equal(guard.queueBound, 16);
        for (let i = 0; i < 16; i++) assert.equal(guard.admit(), undefined);
        assert.equal(guard.admit(), 'queue');
      } finally {
        guard.stop();
      }
    });

    it('reports the requests it shed and the bound', async () => {
      const reports: OverloadReport[] = [];
      const guard = new OverloadGuard({
        ...QUEUE_ONLY,
        utilisation: () => 1,
        reportIntervalMs: 0,
        onReport: (r) => reports.push(r),
      });
      guard.start();
      try {
        await eventually(() => Number.isFinite(guard.queueBound));
        while (guard.admit() === undefined) {}
        await eventually(() => reports.length > 0);
        assert.equal(reports[0]!.shed.queue, 1);
        assert.equal(typeof reports[0]!.queueBound, 'number');
      } finally {
        guard.stop();
      }
    });
  });
});

/** Only the queue bound on: 20 ms at capacity. */
const QUEUE_ONLY = { maxInFlight: 0, maxEventLoopDelayMs: 0, maxRssBytes: 0, maxQueueMs: 20 };

/** `perTick` requests admitted and completed every 10 ms, `ticks` times (a steady throughput). */
async function complete(guard: OverloadGuard, perTick: number, ticks: number): Promise<void> {
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < perTick; i++) {
      assert.equal(guard.admit(), undefined);
      guard.release();
    }
    await sleep(10);
  }
}
