// Whether each process's memory stayed flat over the run. A process that kept its pid is judged
// on the run: RSS at the end of the first quarter against RSS at the end. A process a fault killed
// and started again (brokers, Redis, the JWKS relay, the backends: every cycle or every other) has
// no such pair, so it is judged per life instead: RSS at the same age in the life running at the
// end of the first quarter and in the last life that reached that age. A leak that survives a
// restart (each life starting higher) shows; a life that grows and is then reset by its restart
// does not, since it never outlives one fault cycle.
import type { Sample } from '../resources/sampler.ts';

/** "Flat": grown less than this between the two samples compared. */
export const FLAT_LIMIT = 0.1;

/**
 * What the two figures compare. `run`: one life, from the end of the first quarter to the end.
 * `per-life`: two lives of a restarted process at the same age (`perLife` says which and when).
 * `none`: restarted between the end of the first quarter and the end, and fewer than two lives
 * reached a common age (a short run): the figures are the run's, and not comparable.
 */
export type FlatnessBasis = 'run' | 'per-life' | 'none';

export interface Flatness {
  readonly name: string;
  readonly basis: FlatnessBasis;
  readonly rssKb: readonly [number, number];
  readonly fds: readonly [number, number];
  readonly sockets: readonly [number, number];
  readonly growth: number;
  /** Grown less than FLAT_LIMIT on a comparable basis (never with basis `none`). */
  readonly flat: boolean;
  /** Restarted between the end of the first quarter and the end (a crash fault). */
  readonly restarted: boolean;
  /** Lives sampled over the whole run: one per pid. */
  readonly lives: number;
  /**
   * Basis `per-life`: the age compared (seconds since the life's first sample) and the two lives
   * (1-based, in order of the run). The first life's age is counted from the start of the traffic,
   * though the process started a little earlier, with the rest of the stack.
   */
  readonly perLife?: { readonly ageS: number; readonly lives: readonly [number, number] };
}

/** Consecutive samples of one pid, in time order. */
export function livesOf(samples: readonly Sample[]): Sample[][] {
  const lives: Sample[][] = [];
  for (const s of [...samples].sort((a, b) => a.t - b.t)) {
    const life = lives.at(-1);
    if (life !== undefined && life[0]!.pid === s.pid) life.push(s);
    else lives.push([s]);
  }
  return lives;
}

const span = (life: readonly Sample[]) => life.at(-1)!.t - life[0]!.t;

function atAge(life: readonly Sample[], ageMs: number): Sample {
  const at = life[0]!.t + ageMs;
  return life.reduce((best, s) => (Math.abs(s.t - at) < Math.abs(best.t - at) ? s : best));
}

function compared(name: string, lives: number, a: Sample, b: Sample, basis: FlatnessBasis) {
  const growth = (b.rssKb - a.rssKb) / Math.max(1, a.rssKb);
  return {
    name,
    basis,
    rssKb: [a.rssKb, b.rssKb] as const,
    fds: [a.fds, b.fds] as const,
    sockets: [a.sockets, b.sockets] as const,
    growth,
    flat: basis !== 'none' && growth < FLAT_LIMIT,
    restarted: basis !== 'run',
    lives,
  };
}

/**
 * Per life: the age is the shortest complete life's (one a restart ended) from the life at the end
 * of the first quarter on, so each of those lives has a sample there; the last life, cut by the end
 * of the run, counts if it reached that age too.
 */
function perLife(name: string, lives: readonly Sample[][], quarter: number): Flatness | undefined {
  const from = Math.max(
    0,
    lives.findIndex((life) => life.at(-1)!.t >= quarter),
  );
  const complete = lives.slice(from, -1);
  if (complete.length === 0) return undefined;
  const ageMs = Math.min(...complete.map(span));
  const reached = lives
    .map((life, i) => ({ life, i }))
    .filter(({ life, i }) => i >= from && span(life) >= ageMs);
  const [first, last] = [reached[0], reached.at(-1)];
  if (!first || !last || first === last) return undefined;
  return {
    ...compared(name, lives.length, atAge(first.life, ageMs), atAge(last.life, ageMs), 'per-life'),
    perLife: { ageS: Math.round(ageMs / 1000), lives: [first.i + 1, last.i + 1] },
  };
}

export function flatness(samples: readonly Sample[], startAt: number, stopAt: number): Flatness[] {
  const quarter = startAt + (stopAt - startAt) / 4;
  const names = [...new Set(samples.map((s) => s.name))].sort();
  return names.flatMap((name) => {
    const lives = livesOf(samples.filter((s) => s.name === name));
    const own = lives.flat();
    const atQuarter = own.find((s) => s.t >= quarter) ?? own[0];
    const last = own.at(-1);
    if (!atQuarter || !last) return [];
    if (atQuarter.pid === last.pid) return [compared(name, lives.length, atQuarter, last, 'run')];
    return [perLife(name, lives, quarter) ?? compared(name, lives.length, atQuarter, last, 'none')];
  });
}
