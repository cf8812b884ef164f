// Turns the raw run — answers, verdicts, fault log — into the report's figures: counts by class,
// by fault and by kind, the invariants and a time series (throughput, p99). Whether each process's
// memory stayed flat is flatness.ts.
import type { OutcomeClass, Verdict } from '../oracle/classify.ts';
import type { InvariantResult } from '../oracle/invariants.ts';
import type { OutcomeRecord } from '../oracle/records.ts';

export interface Bucket {
  /** Seconds since the start of the traffic. */
  readonly s: number;
  readonly rps: number;
  readonly p99Ms: number;
  readonly unexpected: number;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | undefined) {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
}

export function timeline(
  records: readonly OutcomeRecord[],
  verdicts: readonly Verdict[],
  startAt: number,
  bucketMs: number,
): Bucket[] {
  const buckets = new Map<number, { n: number; lat: number[]; unexpected: number }>();
  records.forEach((r, i) => {
    if (r.target !== 'gateway') return;
    const b = Math.floor((r.end - startAt) / bucketMs);
    const bucket = buckets.get(b) ?? { n: 0, lat: [], unexpected: 0 };
    bucket.n++;
    bucket.lat.push(r.end - r.t);
    if (verdicts[i]!.class === 'unexpected') bucket.unexpected++;
    buckets.set(b, bucket);
  });
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([b]) => b >= 0)
    .map(([b, v]) => ({
      s: (b * bucketMs) / 1000,
      rps: v.n / (bucketMs / 1000),
      p99Ms: p99(v.lat),
      unexpected: v.unexpected,
    }));
}

export interface Analysis {
  readonly total: number;
  readonly byClass: Record<OutcomeClass, number>;
  readonly byFault: Record<string, number>;
  readonly byKindAndClass: Record<string, number>;
  readonly unexpected: readonly (OutcomeRecord & { reason?: string })[];
  readonly invariants: readonly {
    name: string;
    description: string;
    broken: number;
    examples: readonly OutcomeRecord[];
  }[];
}

export function analyse(
  records: readonly OutcomeRecord[],
  verdicts: readonly Verdict[],
  invariants: readonly InvariantResult[],
): Analysis {
  const byClass = { success: 0, refusal: 0, fault: 0, unexpected: 0 };
  for (const v of verdicts) byClass[v.class]++;
  return {
    total: records.length,
    byClass,
    byFault: countBy(verdicts, (v) => (v.class === 'fault' ? v.fault : undefined)),
    byKindAndClass: countBy(
      records.map((r, i) => [r, verdicts[i]!] as const),
      ([r, v]) => `${r.target} ${r.kind} ${v.class}`,
    ),
    unexpected: records
      .map((r, i) => ({ ...r, reason: verdicts[i]!.reason }))
      .filter((_, i) => verdicts[i]!.class === 'unexpected'),
    invariants: invariants.map((inv) => ({
      name: inv.name,
      description: inv.description,
      broken: inv.broken.length,
      examples: inv.broken.slice(0, 5),
    })),
  };
}
