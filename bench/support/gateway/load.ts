// Offering load: peak throughput (closed loop, `wrk` when installed, else an undici Pool in a
// child) and a fixed rate (open loop, latency from each request's scheduled start), optionally
// reading a server's own CPU time across the measured phase.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CONNECTIONS, LATENCY_SECONDS, PATH, PEAK_SECONDS } from './constants.ts';
import { type Party, startParty } from './processes.ts';

export interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

export interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** The server's CPU time per request over the measured phase, in µs (fixed-rate runs). */
  readonly cpuMicrosPerRequest?: number;
}

export function findBinary(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    try {
      execFileSync(join(dir, name), ['-v'], { stdio: 'ignore' });
      return join(dir, name);
    } catch (error) {
      // wrk -v exits 1 after printing its version: the binary is there.
      if ((error as { status?: number }).status === 1) return join(dir, name);
    }
  }
  return undefined;
}

function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (m === null) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function peakWithWrk(wrk: string, target: Target, seconds: number): Result {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  for (const [name, value] of Object.entries(target.headers)) args.push('-H', `${name}: ${value}`);
  const out = execFileSync(wrk, [...args, target.url + PATH], {
    encoding: 'utf8',
    timeout: (seconds + 20) * 1000,
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) +
    [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
  return {
    name: target.name,
    rps,
    p50Ms: wrkMs(/^\s+50%\s+(\S+)$/m.exec(out)?.[1] ?? ''),
    p99Ms: wrkMs(/^\s+99%\s+(\S+)$/m.exec(out)?.[1] ?? ''),
    errors,
  };
}

async function closedLoop(target: Target, seconds: number): Promise<Result> {
  const generator = await startParty('closed-loop', JSON.stringify({ ...target, seconds }));
  generator.child.kill();
  return { name: target.name, ...(JSON.parse(generator.line) as Omit<Result, 'name'>) };
}

/** Peak throughput after a short warm-up (JIT, pools, key cache) that is not counted. */
export async function peak(wrk: string | undefined, target: Target): Promise<Result> {
  if (wrk !== undefined) {
    peakWithWrk(wrk, target, 2);
    return peakWithWrk(wrk, target, PEAK_SECONDS);
  }
  await closedLoop(target, 2);
  return closedLoop(target, PEAK_SECONDS);
}

/**
 * `rate` requests a second for LATENCY_SECONDS after a one-second warm-up; with `server`, its CPU
 * time across the measured phase divided by the requests of that phase.
 */
export async function fixedRate(target: Target, rate: number, server?: Party): Promise<Result> {
  const generator = await startParty(
    'open-loop',
    JSON.stringify({ url: target.url, headers: target.headers, seconds: LATENCY_SECONDS, rate }),
  );
  // The first line is `warm`: the warm-up phase is over and the measured one waits for a go.
  const before = await server?.cpuMicros();
  generator.send('go');
  const result = JSON.parse(await generator.next()) as Omit<Result, 'name'> & { requests: number };
  const after = await server?.cpuMicros();
  generator.child.kill();
  const cpu =
    before === undefined || after === undefined ? undefined : (after - before) / result.requests;
  return { name: target.name, ...result, cpuMicrosPerRequest: cpu };
}
