// One soak: start every party, run the traffic and the fault cycles for the duration, sample
// resources, then judge every answer and write the report. Every child is killed and the
// temporary folder removed however it ends (done, failed, Ctrl-C).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFaults } from './faults/schedule.ts';
import type { SoakOptions } from './lib/args.ts';
import { killAllNow, ROOT, setLogDir, stopAll } from './lib/children.ts';
import { startLoad } from './load/start-load.ts';
import { classify, type OracleInput } from './oracle/classify.ts';
import { checkInvariants } from './oracle/invariants.ts';
import type { OutcomeRecord } from './oracle/records.ts';
import { startStack } from './parties/stack.ts';
import { analyse } from './report/analyse.ts';
import { type SoakReport, writeReport } from './report/write.ts';
import { startSampler } from './resources/sampler.ts';

/** In-flight requests end within their 15 s timeout; generators get this long to write them. */
const DRAIN_MS = 20_000;

function readRecords(files: readonly string[]): OutcomeRecord[] {
  return files
    .filter((f) => existsSync(f))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as OutcomeRecord)
    .sort((a, b) => a.t - b.t);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  if (!existsSync(join(ROOT, 'packages/cli/dist/main.js'))) {
    throw new Error('the soak runs the built CLI: npm run build first');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'rolegate-soak-'));
  mkdirSync(join(tmp, 'logs'));
  setLogDir(join(tmp, 'logs'));
  // Redis's folder on tmpfs when there is one (an fsync per claim then costs no disk wait).
  const redisDir = existsSync('/dev/shm')
    ? mkdtempSync('/dev/shm/rolegate-soak-redis-')
    : join(tmp, 'redis');
  const onSignal = () => {
    killAllNow();
    rmSync(redisDir, { recursive: true, force: true });
    if (!options.keep) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllNow);
  try {
    const running = await startStack(join(tmp, 'stack'), redisDir, options.plant);
    const load = await startLoad(running, tmp);
    const startAt = Date.now();
    const stopAt = startAt + options.durationMs;
    load.go(stopAt);
    const sampler = startSampler(
      () => [
        ...running.parties().map((p) => ({
          name: p.name,
          pid: p.pid,
          ...(p.name.startsWith('broker-')
            ? { metricsUrl: running.brokers.find((b) => b.party === p)!.adminUrl }
            : {}),
          ...(p === running.gateway
            ? { metricsUrl: running.gatewayAdminUrl, withChildren: true }
            : {}),
        })),
        ...load.parties.map((p) => ({ name: p.name, pid: p.pid })),
      ],
      Math.max(2_000, Math.round(options.durationMs / 150)),
    );
    const faults = await runFaults(running, options.plant, startAt, stopAt);
    // Bounded wait for the generators: they stop at stopAt and finish what is in flight.
    await Promise.race([
      Promise.all(load.parties.map((p) => p.child?.exited)),
      new Promise((resolve) => setTimeout(resolve, Math.max(0, stopAt - Date.now()) + DRAIN_MS)),
    ]);
    const samples = await sampler.stop();
    await stopAll();

    const records = readRecords(load.outFiles);
    const input: OracleInput = {
      windows: faults.windows,
      flips: faults.flips,
      revokedAt: new Map(
        faults.keyEvents.filter((e) => e.action === 'revoke').map((e) => [e.kid, e.at]),
      ),
    };
    const verdicts = records.map((r) => classify(r, input));
    const invariants = checkInvariants(records, verdicts, input);
    const report: SoakReport = {
      startedAt: new Date(startAt).toISOString(),
      durationMs: options.durationMs,
      plant: options.plant,
      node: process.version,
      faults,
      analysis: analyse(records, verdicts, invariants),
      records,
      verdicts,
      samples,
      startAt,
      stopAt,
    };
    writeReport(options.outDir, report);
    return report;
  } finally {
    await stopAll();
    rmSync(redisDir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!options.keep) rmSync(tmp, { recursive: true, force: true });
    else process.stderr.write(`soak: kept ${tmp}\n`);
  }
}

/** Whether the run passed: no unexpected answer, every invariant held, every fault switched. */
export function passed(report: SoakReport): boolean {
  return (
    report.analysis.byClass.unexpected === 0 &&
    report.analysis.invariants.every((i) => i.broken === 0) &&
    report.faults.errors.length === 0
  );
}
