// Runs the faults, cycle after cycle, at their offsets (FAULTS), and the key rotation — promote
// the standby, add the next standby and a spare, retire the spare, revoke the old key — through
// the real `rolegate keys` CLI. Records every window and key event as it really happened, which
// is all the oracle trusts. A fault that fails to switch is an error of the run, never ignored.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultWindow, FlipEvent, KeyEvent } from '../oracle/records.ts';
import type { Stack } from '../parties/stack.ts';
import { FAULTS, type FaultContext, type FaultSpec } from './catalogue.ts';
import { addKmsKey, editKey, listRing } from './keys.ts';

/** One cycle holds every fault once; a 75 s run is one cycle, a 10-minute run eight. */
export const CYCLE_MS = 75_000;
/**
 * When a revoked key's tokens must be refused at the gateway: its verifier re-reads the JWKS at
 * most every 30 s (cooldown; the relay's max-age is 5 s), plus the broker's file-watch settle
 * and a request's own time.
 */
export const REVOCATION_PROPAGATION_MS = 40_000;

export interface FaultLog {
  readonly windows: FaultWindow[];
  readonly keyEvents: KeyEvent[];
  readonly flips: FlipEvent[];
  readonly errors: string[];
}

async function until(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}

async function runWindow(spec: FaultSpec, ctx: FaultContext, cycleStart: number, log: FaultLog) {
  await until(cycleStart + spec.atS * 1000);
  const start = Date.now();
  const detail = await spec.on(ctx);
  const active = Date.now();
  await until(cycleStart + (spec.atS + spec.forS) * 1000);
  const lifted = Date.now();
  await spec.off(ctx);
  const end = Date.now();
  log.windows.push({
    name: spec.name,
    cycle: ctx.cycle,
    start,
    active,
    lifted,
    end,
    settleMs: spec.settleMs,
    ...(detail ? { detail } : {}),
  });
}

async function runRotation(ctx: FaultContext, cycleStart: number, log: FaultLog) {
  const { stack, cycle } = ctx;
  await until(cycleStart + 8_000);
  const start = Date.now();
  let ring = await listRing(stack);
  if (!ring.some((k) => k.status === 'standby')) {
    // The previous cycle could not add one (it is in the fault log): add it now, late.
    const late = await addKmsKey(stack, `alias/soak-late-${cycle}`, true);
    log.keyEvents.push({ at: Date.now(), action: 'add', kid: late });
    ring = await listRing(stack);
  }
  const standby = ring.find((k) => k.status === 'standby');
  const old = ring.find((k) => k.status === 'active');
  if (!standby || !old) throw new Error('rotation: the ring needs an active and a standby key');
  await editKey(stack, 'promote', standby.kid);
  log.keyEvents.push({ at: Date.now(), action: 'promote', kid: standby.kid });
  await until(cycleStart + 10_000);
  // The next cycle's standby: published now, promoted a cycle later, long after every verifier
  // has re-read the JWKS. And a spare, to retire.
  const next = await addKmsKey(stack, `alias/soak-next-${cycle}`, true);
  log.keyEvents.push({ at: Date.now(), action: 'add', kid: next });
  const spare = await addKmsKey(stack, `alias/soak-spare-${cycle}`, true);
  log.keyEvents.push({ at: Date.now(), action: 'add', kid: spare });
  await until(cycleStart + 14_000);
  await editKey(stack, 'retire', spare);
  log.keyEvents.push({ at: Date.now(), action: 'retire', kid: spare });
  await until(cycleStart + 18_000);
  await editKey(stack, 'revoke', old.kid);
  const revokedAt = Date.now();
  log.keyEvents.push({ at: revokedAt, action: 'revoke', kid: old.kid });
  log.windows.push({
    name: 'key-rotation',
    cycle,
    start,
    active: start,
    lifted: revokedAt,
    end: revokedAt,
    settleMs: REVOCATION_PROPAGATION_MS,
    detail: `promote ${standby.kid.slice(0, 8)}…, revoke ${old.kid.slice(0, 8)}…`,
  });
}

/** Runs whole cycles until `stopAt` (a cycle that would not finish before it is not started). */
export async function runFaults(
  stack: Stack,
  plant: string | undefined,
  startAt: number,
  stopAt: number,
): Promise<FaultLog> {
  const log: FaultLog = { windows: [], keyEvents: [], flips: [], errors: [] };
  // A cycle that overran (a restart that took long on a busy machine) delays the next one, whose
  // faults then keep their spacing instead of all firing at once.
  let cycleStart = startAt;
  for (let cycle = 0; cycleStart + CYCLE_MS <= stopAt; cycle++) {
    const ctx: FaultContext = { stack, cycle, plant, flips: log.flips };
    const runs = [
      runRotation(ctx, cycleStart, log),
      ...FAULTS.map((spec) => runWindow(spec, ctx, cycleStart, log)),
    ];
    for (const result of await Promise.allSettled(runs)) {
      if (result.status === 'rejected') log.errors.push(String(result.reason));
    }
    await until(cycleStart + CYCLE_MS);
    cycleStart = Math.max(cycleStart + CYCLE_MS, Date.now());
  }
  return log;
}
