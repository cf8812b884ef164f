// Writes the report folder: report.json (figures, fault log, invariants, time series, samples),
// answers.ndjson (every answer with its verdict), summary.md and chart.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultLog } from '../faults/schedule.ts';
import type { Verdict } from '../oracle/classify.ts';
import type { OutcomeRecord } from '../oracle/records.ts';
import type { Sample } from '../resources/sampler.ts';
import { type Analysis, timeline } from './analyse.ts';
import { chartHtml } from './chart.ts';
import { flatness } from './flatness.ts';
import { markdown } from './markdown.ts';

export interface SoakReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly plant: string | undefined;
  readonly node: string;
  readonly faults: FaultLog;
  readonly analysis: Analysis;
  readonly records: readonly OutcomeRecord[];
  readonly verdicts: readonly Verdict[];
  readonly samples: readonly Sample[];
  readonly startAt: number;
  readonly stopAt: number;
}

/** Time buckets: about 150 points whatever the duration, never under a second. */
export function bucketMs(report: Pick<SoakReport, 'durationMs'>): number {
  return Math.max(1_000, Math.round(report.durationMs / 150 / 1_000) * 1_000);
}

export function figures(report: SoakReport) {
  return {
    timeline: timeline(report.records, report.verdicts, report.startAt, bucketMs(report)),
    flatness: flatness(report.samples, report.startAt, report.stopAt),
  };
}

export function writeReport(dir: string, report: SoakReport): void {
  mkdirSync(dir, { recursive: true });
  const { timeline: series, flatness: flat } = figures(report);
  const json = {
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    plant: report.plant ?? null,
    node: report.node,
    counts: {
      total: report.analysis.total,
      byClass: report.analysis.byClass,
      byFault: report.analysis.byFault,
      byKindAndClass: report.analysis.byKindAndClass,
    },
    invariants: report.analysis.invariants,
    unexpected: report.analysis.unexpected.slice(0, 200),
    faults: report.faults,
    timeline: series,
    flatness: flat,
    samples: report.samples,
  };
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(
    join(dir, 'answers.ndjson'),
    report.records.map((r, i) => JSON.stringify({ ...r, verdict: report.verdicts[i] })).join('\n'),
  );
  writeFileSync(join(dir, 'summary.md'), markdown(report, series, flat));
  writeFileSync(join(dir, 'chart.html'), chartHtml(report, series));
}
