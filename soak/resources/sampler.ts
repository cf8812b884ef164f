// Resource samples every few seconds for every process of the soak: resident memory (VmRSS), open
// file descriptors and how many of them are sockets, from /proc; and, for the broker replicas and
// the gateway, heap used and event-loop delay p99 from their own Prometheus /metrics (prom-client's
// default metrics on the admin listener; the gateway's primary sums its workers' heaps and
// averages their event-loop delay). The gateway's workers are found as the primary's children.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Sample {
  readonly t: number;
  readonly name: string;
  readonly pid: number;
  readonly rssKb: number;
  readonly fds: number;
  readonly sockets: number;
  readonly heapUsedBytes?: number;
  readonly eventLoopP99Ms?: number;
}

export interface Sampled {
  readonly name: string;
  readonly pid: number | undefined;
  /** The admin listener whose /metrics to scrape, if any. */
  readonly metricsUrl?: string;
  /** Also sample this process's children (the gateway's workers) as `<name>-w<n>`. */
  readonly withChildren?: boolean;
}

function procStats(pid: number): Pick<Sample, 'rssKb' | 'fds' | 'sockets'> | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
    // No VmRSS: a zombie, killed by a fault and not yet reaped. Not a sample of a running process.
    if (rss === undefined) return undefined;
    const rssKb = Number(rss);
    const fds = readdirSync(`/proc/${pid}/fd`);
    let sockets = 0;
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed between the listing and the read
      }
    }
    return { rssKb, fds: fds.length, sockets };
  } catch {
    return undefined; // the process is gone (a crash fault) or not ours to read
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The two figures the report needs from a Prometheus text exposition. */
export function readMetrics(text: string): { heapUsedBytes?: number; eventLoopP99Ms?: number } {
  const value = (name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const heap = value('nodejs_heap_size_used_bytes');
  const lag = value('nodejs_eventloop_lag_p99_seconds');
  return {
    ...(heap !== undefined ? { heapUsedBytes: heap } : {}),
    ...(lag !== undefined ? { eventLoopP99Ms: lag * 1000 } : {}),
  };
}

async function scrape(url: string) {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200 ? readMetrics(await res.text()) : {};
  } catch {
    return {};
  }
}

export async function sampleOnce(targets: readonly Sampled[]): Promise<Sample[]> {
  const t = Date.now();
  const out: Sample[] = [];
  await Promise.all(
    targets.map(async (target) => {
      if (target.pid === undefined) return;
      const stats = procStats(target.pid);
      if (!stats) return;
      const metrics = target.metricsUrl ? await scrape(target.metricsUrl) : {};
      out.push({ t, name: target.name, pid: target.pid, ...stats, ...metrics });
      if (!target.withChildren) return;
      childrenOf(target.pid).forEach((pid, i) => {
        const child = procStats(pid);
        if (child) out.push({ t, name: `${target.name}-w${i + 1}`, pid, ...child });
      });
    }),
  );
  return out;
}

/** Samples every `intervalMs` until stopped; returns every sample taken. */
export function startSampler(targets: () => readonly Sampled[], intervalMs: number) {
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(...(await sampleOnce(targets())));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    async stop(): Promise<Sample[]> {
      running = false;
      await loop;
      return samples;
    },
  };
}
