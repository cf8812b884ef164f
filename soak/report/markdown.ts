// The report in words: the verdict, counts by class and by fault, the invariants, what the
// unexpected answers were, and each process's resources from the end of the first quarter to the
// end — or, for a process restarted by faults, at the same age in an early and a late life
// (flat = grown under 10 %).
import type { Bucket } from './analyse.ts';
import { FLAT_LIMIT, type Flatness } from './flatness.ts';
import type { SoakReport } from './write.ts';

export function summaryLines(report: SoakReport): string[] {
  const a = report.analysis;
  const c = a.byClass;
  return [
    `answers: ${a.total} — success ${c.success}, refusal ${c.refusal}, expected failure ${c.fault}, unexpected ${c.unexpected}`,
    `fault windows: ${report.faults.windows.length} (${[...new Set(report.faults.windows.map((w) => w.name))].join(', ') || 'none: shorter than one 75 s cycle'})`,
    ...a.invariants.map(
      (i) => `invariant ${i.name}: ${i.broken === 0 ? 'held' : `BROKEN ${i.broken}×`}`,
    ),
    ...report.faults.errors.map((e) => `fault error: ${e}`),
    ...a.unexpected
      .slice(0, 10)
      .map(
        (u) =>
          `unexpected: ${u.kind} ${u.caller}→${u.service ?? u.target} ${u.status} ${u.code ?? u.error ?? ''} — ${u.reason}`,
      ),
  ];
}

const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const mb = (kb: number) => (kb / 1024).toFixed(1);

function basisCell(f: Flatness): string {
  if (f.basis === 'run') return 'run';
  if (f.basis === 'none') return `run; restarted (${f.lives} lives), no two reached one age`;
  const { ageS, lives } = f.perLife!;
  return `per life: life ${lives[0]} → ${lives[1]} of ${f.lives}, at ${ageS} s`;
}

function flatCell(f: Flatness): string {
  if (f.basis === 'none') return 'restarted (n/a)';
  return f.flat ? 'yes' : '**no**';
}

export function markdown(
  report: SoakReport,
  series: readonly Bucket[],
  flat: readonly Flatness[],
): string {
  const a = report.analysis;
  const peakRps = Math.max(0, ...series.map((b) => b.rps));
  const meanRps = series.reduce((s, b) => s + b.rps, 0) / Math.max(1, series.length);
  const faultRows = Object.entries(a.byFault).sort(([x], [y]) => x.localeCompare(y));
  return [
    `# Soak report — ${report.startedAt}`,
    '',
    `${report.durationMs / 1000} s on node ${report.node}${report.plant ? `, **planted fault ${report.plant}**` : ''}.`,
    `Verdict: **${a.byClass.unexpected === 0 && a.invariants.every((i) => i.broken === 0) && report.faults.errors.length === 0 ? 'passed' : 'FAILED'}**.`,
    `Gateway throughput ${meanRps.toFixed(1)} req/s on average, ${peakRps.toFixed(1)} at peak.`,
    '',
    '## Answers by class',
    '',
    row(['class', 'answers']),
    row(['---', '---:']),
    ...Object.entries(a.byClass).map(([k, v]) => row([k, v])),
    '',
    '## Expected failures by fault',
    '',
    row(['fault', 'windows', 'answers explained']),
    row(['---', '---:', '---:']),
    ...[...new Set(report.faults.windows.map((w) => w.name))].map((name) =>
      row([
        name,
        report.faults.windows.filter((w) => w.name === name).length,
        a.byFault[name] ?? 0,
      ]),
    ),
    ...(faultRows.length === 0 ? ['', 'No answer needed a fault to explain it.'] : []),
    '',
    '## Invariants',
    '',
    row(['invariant', 'result']),
    row(['---', '---']),
    ...a.invariants.map((i) =>
      row([i.description, i.broken === 0 ? 'held' : `**broken ${i.broken}×**`]),
    ),
    '',
    ...(a.unexpected.length > 0
      ? [
          '## Unexpected answers (first 20)',
          '',
          ...a.unexpected
            .slice(0, 20)
            .map(
              (u) =>
                `- +${((u.t - report.startAt) / 1000).toFixed(1)} s ${u.lg} ${u.kind} ${u.caller} → ${u.service ?? u.target}: ${u.status} ${u.code ?? u.error ?? ''} — ${u.reason}`,
            ),
          '',
        ]
      : []),
    `## Resources (flat = RSS grew < ${FLAT_LIMIT * 100} %)`,
    '',
    'Basis **run**: the end of the first quarter → the end. **Per life**, for a process restarted by',
    'faults: the same age (seconds since its first sample) in the life running at the end of the',
    'first quarter → the last life that reached that age, so a leak that outlives a restart shows.',
    '',
    row(['process', 'basis', 'RSS MiB', 'growth', 'fds', 'sockets', 'flat']),
    row(['---', '---', '---', '---:', '---', '---', '---']),
    ...flat.map((f) =>
      row([
        f.name,
        basisCell(f),
        `${mb(f.rssKb[0])} → ${mb(f.rssKb[1])}`,
        `${(f.growth * 100).toFixed(1)} %`,
        `${f.fds[0]} → ${f.fds[1]}`,
        `${f.sockets[0]} → ${f.sockets[1]}`,
        flatCell(f),
      ]),
    ),
    '',
    'Heap and event-loop delay (from /metrics) are in report.json `samples` and on chart.html.',
    '',
  ].join('\n');
}
