// Shared measuring helpers: every figure is printed beside an anchor measured in the same run,
// because absolute numbers on a shared 2-core machine mean little on their own.

export interface Rate {
  readonly name: string;
  readonly opsPerSecond: number;
  readonly samples: number;
}

/** Runs `fn` synchronously for about `durationMs` after a warm-up and returns its rate. */
export function measureSync(name: string, fn: () => unknown, durationMs = 1500): Rate {
  const warmUntil = performance.now() + Math.min(300, durationMs / 4);
  while (performance.now() < warmUntil) fn();
  let samples = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < 64; i++) fn();
    samples += 64;
    now = performance.now();
  }
  return { name, opsPerSecond: (samples * 1000) / (now - start), samples };
}

/**
 * Runs `fn` with `concurrency` calls in flight for about `durationMs` and returns its rate.
 * Bounded in time, so a stuck server cannot hang the benchmark forever.
 */
export async function measureAsync(
  name: string,
  fn: () => Promise<unknown>,
  { concurrency = 1, durationMs = 2000, warmupMs = 300 } = {},
): Promise<Rate> {
  const run = async (until: number): Promise<number> => {
    let done = 0;
    const worker = async () => {
      while (performance.now() < until) {
        await fn();
        done++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return done;
  };
  await run(performance.now() + warmupMs);
  const start = performance.now();
  const samples = await run(start + durationMs);
  return { name, opsPerSecond: (samples * 1000) / (performance.now() - start), samples };
}

/** Prints rates as a table with each one's ratio to the anchor. */
export function printTable(title: string, anchor: Rate, rates: readonly Rate[]): void {
  console.log(`\n## ${title}`);
  const rows = [anchor, ...rates].map((r) => ({
    name: r.name,
    'ops/s': Math.round(r.opsPerSecond).toLocaleString('en-US'),
    'x anchor': (r.opsPerSecond / anchor.opsPerSecond).toFixed(3),
  }));
  console.table(rows);
}

/**
 * Measures each synchronous function in turn, `rounds` times over, and keeps each one's median
 * rate. Interleaving puts a figure and its anchor under the same machine conditions: on a shared
 * 2-core machine the rate of one and the same function drifts by ±20 % within a run.
 */
export function measureInterleaved(
  entries: readonly (readonly [string, () => unknown])[],
  rounds = 5,
  durationMs = 600,
): Rate[] {
  const seen = entries.map(() => [] as Rate[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [name, fn]] of entries.entries()) {
      seen[i]!.push(measureSync(name, fn, durationMs));
    }
  }
  return seen.map((list) => {
    const sorted = [...list].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
    const median = sorted[sorted.length >> 1]!;
    return { ...median, samples: list.reduce((sum, r) => sum + r.samples, 0) };
  });
}
