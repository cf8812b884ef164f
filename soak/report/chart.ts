// chart.html: one self-contained page (inline SVG drawn by an inline script, no external asset,
// no CDN) that people would rather look at than read the report: throughput, p99 and RSS over
// time, fault windows shaded and named, unexpected answers in red, the verdict on top.
import type { Bucket } from './analyse.ts';
import { CHART_SCRIPT } from './chart-script.ts';
import type { SoakReport } from './write.ts';

/** At most this many red marks: beyond it the chart says "many" and the report lists them. */
const MAX_MARKS = 500;

export interface ChartData {
  readonly durationS: number;
  readonly timeline: readonly Bucket[];
  readonly windows: readonly {
    name: string;
    detail?: string;
    start: number;
    end: number;
    settleEnd: number;
  }[];
  readonly rss: readonly { name: string; points: readonly [number, number][] }[];
  readonly unexpected: readonly number[];
}

export function chartData(report: SoakReport, series: readonly Bucket[]): ChartData {
  const at = (t: number) => Math.round((t - report.startAt) / 100) / 10;
  const names = [...new Set(report.samples.map((s) => s.name))].sort();
  return {
    durationS: report.durationMs / 1000,
    timeline: series,
    windows: report.faults.windows
      .map((w) => ({
        name: w.name,
        ...(w.detail ? { detail: w.detail } : {}),
        start: at(w.start),
        end: at(w.end),
        settleEnd: at(w.end + w.settleMs),
      }))
      .sort((a, b) => a.start - b.start),
    rss: names.map((name) => ({
      name,
      points: report.samples
        .filter((s) => s.name === name)
        .map((s) => [at(s.t), Math.round(s.rssKb / 102.4) / 10] as [number, number]),
    })),
    unexpected: report.analysis.unexpected.slice(0, MAX_MARKS).map((u) => at(u.t)),
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function chartHtml(report: SoakReport, series: readonly Bucket[]): string {
  const data = chartData(report, series);
  const a = report.analysis;
  const broken = a.invariants.filter((i) => i.broken > 0).map((i) => i.name);
  const ok = a.byClass.unexpected === 0 && broken.length === 0 && report.faults.errors.length === 0;
  const verdict = ok
    ? 'passed'
    : `FAILED — ${a.byClass.unexpected} unexpected${broken.length ? `, broken: ${broken.join(', ')}` : ''}`;
  // JSON inside <script>: no "</script>" can close it early.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rolegate soak ${escapeHtml(report.startedAt)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 18px; margin: 0 0 4px; }
  p { margin: 2px 0 10px; font-size: 13px; }
  .ok { color: #1a7f37; } .bad { color: #c00; }
</style>
</head>
<body>
<h1>rolegate soak — ${escapeHtml(report.startedAt)}, ${report.durationMs / 1000} s${report.plant ? `, planted fault ${escapeHtml(report.plant)}` : ''}</h1>
<p class="${ok ? 'ok' : 'bad'}"><strong>${escapeHtml(verdict)}</strong> · ${a.total} answers: ${a.byClass.success} success, ${a.byClass.refusal} expected refusals, ${a.byClass.fault} expected failures in fault windows, ${a.byClass.unexpected} unexpected (red ticks).
Shaded: fault windows (lighter: settle time). Hover for details.</p>
<div id="chart-holder"></div>
<script type="application/json" id="soak-data">${json}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
