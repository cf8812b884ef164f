// `npm run soak -- [--minutes N | --seconds N] [--plant NAME] [--out DIR] [--keep]`.
import { parseArgs } from 'node:util';

/** Planted faults the oracle must catch (the soak's own test runs one). */
export const PLANTS = ['allow-reviews-billing'] as const;

export interface SoakOptions {
  readonly durationMs: number;
  readonly plant?: (typeof PLANTS)[number];
  readonly outDir: string;
  /** Keep the temporary folder (configs, logs, raw answers) for a post-mortem. */
  readonly keep: boolean;
}

export function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      plant: { type: 'string' },
      out: { type: 'string', default: 'soak-report' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seconds =
    values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? '10') * 60;
  // Bounded: a soak is minutes to hours, never unbounded.
  if (!Number.isFinite(seconds) || seconds < 10 || seconds > 24 * 3600) {
    throw new TypeError('--seconds/--minutes: between 10 seconds and 24 hours');
  }
  const plant = values.plant;
  if (plant !== undefined && !(PLANTS as readonly string[]).includes(plant)) {
    throw new TypeError(`--plant: one of ${PLANTS.join(', ')}`);
  }
  return {
    durationMs: Math.round(seconds * 1000),
    ...(plant !== undefined ? { plant: plant as (typeof PLANTS)[number] } : {}),
    outDir: values.out,
    keep: values.keep,
  };
}
