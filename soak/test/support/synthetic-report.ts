// A small soak report made up in memory: 60 s of answers at ~20 per second, two fault windows,
// two processes sampled every 2 s, one unexpected answer — enough for the chart to draw.
import type { Verdict } from '../../oracle/classify.ts';
import type { OutcomeRecord } from '../../oracle/records.ts';
import { analyse } from '../../report/analyse.ts';
import type { SoakReport } from '../../report/write.ts';
import type { Sample } from '../../resources/sampler.ts';

export function syntheticReport(): SoakReport {
  const startAt = 1_800_000_000_000;
  const durationMs = 60_000;
  const records: OutcomeRecord[] = [];
  const verdicts: Verdict[] = [];
  for (let i = 0; i < 1_200; i++) {
    const t = startAt + i * 50;
    records.push({
      t,
      end: t + 5 + (i % 17),
      lg: 'synthetic',
      target: 'gateway',
      kind: 'client',
      caller: 'orders',
      service: 'rates',
      status: 200,
    });
    verdicts.push(i === 600 ? { class: 'unexpected', reason: 'made up' } : { class: 'success' });
  }
  const samples: Sample[] = [];
  for (let t = 0; t <= durationMs; t += 2_000) {
    for (const [name, pid] of [
      ['gateway', 10],
      ['broker-a', 11],
    ] as const) {
      samples.push({ t: startAt + t, name, pid, rssKb: 80_000 + t / 100, fds: 30, sockets: 12 });
    }
  }
  const window = (name: 'kms-throttle' | 'broker-kill', at: number) => ({
    name,
    cycle: 0,
    start: startAt + at,
    active: startAt + at + 50,
    lifted: startAt + at + 4_000,
    end: startAt + at + 4_100,
    settleMs: 2_000,
  });
  return {
    startedAt: new Date(startAt).toISOString(),
    durationMs,
    plant: undefined,
    node: process.version,
    faults: {
      windows: [window('kms-throttle', 10_000), window('broker-kill', 30_000)],
      keyEvents: [],
      flips: [],
      errors: [],
    },
    analysis: analyse(records, verdicts, []),
    records,
    verdicts,
    samples,
    startAt,
    stopAt: startAt + durationMs,
  };
}
