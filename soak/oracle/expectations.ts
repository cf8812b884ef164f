// What the oracle expects of a request, from nothing but the run's own records: the demo
// permissions (orders → billing and rates, reviews → rates), the reloads that flipped reviews →
// rates (either answer is right while a reload is reaching the workers), and the fault windows
// covering a moment. It never reads the gateway's config: a planted policy mistake must show.
import { BASE_PERMISSIONS, type Caller, FLIPPED, type Service } from '../lib/constants.ts';
import type { FaultName, FaultWindow, FlipEvent, OutcomeRecord } from './records.ts';

/** How long after a SIGHUP either decision is right (two workers re-reading the policies). */
export const RELOAD_SETTLE_MS = 3_000;

export type Permission = 'yes' | 'no' | 'either';

export function permission(
  caller: Caller,
  service: Service,
  record: Pick<OutcomeRecord, 't' | 'end'>,
  flips: readonly FlipEvent[],
): Permission {
  const base = BASE_PERMISSIONS[service].includes(caller);
  if (caller !== FLIPPED.caller || service !== FLIPPED.service) return base ? 'yes' : 'no';
  if (flips.some((f) => f.at >= record.t - RELOAD_SETTLE_MS && f.at <= record.end)) return 'either';
  const last = flips.filter((f) => f.at <= record.t).at(-1);
  return last?.denied ? 'no' : 'yes';
}

/** The windows whose effects may show in this answer: [start, end + settle] overlaps it. */
export function covering(
  record: Pick<OutcomeRecord, 't' | 'end'>,
  windows: readonly FaultWindow[],
  names: readonly FaultName[],
): FaultWindow | undefined {
  return windows.find(
    (w) => names.includes(w.name) && record.t <= w.end + w.settleMs && record.end >= w.start,
  );
}

/** The windows in which a party said no to everything (the lift excluded). */
export function inHardWindow(
  record: Pick<OutcomeRecord, 't' | 'end'>,
  windows: readonly FaultWindow[],
  names: readonly FaultName[],
): FaultWindow | undefined {
  return windows.find(
    (w) => names.includes(w.name) && record.t >= w.active && record.end <= w.lifted,
  );
}

/** Faults that make every claim in the shared replay cache fail (brokers and gateway workers). */
export const REDIS_FAULTS: readonly FaultName[] = ['redis-stop', 'redis-restart'];
/** Faults that make every login fail at the brokers (signing or the shared replay cache). */
export const BROKER_WIDE: readonly FaultName[] = ['kms-throttle', 'kms-deny-sign', ...REDIS_FAULTS];
/** Faults that make every STS confirmation fail (broker logins by proof, raw proofs). */
export const STS_FAULTS: readonly FaultName[] = ['sts-5xx', 'sts-throttle', 'sts-hang'];
/**
 * Faults that make every raw `RoleGate-STS` proof fail at the gateway: STS confirms it, the shared
 * Redis claims it (no signing: the gateway issues nothing). Bearer tokens need neither.
 */
export const GATEWAY_PROOF_FAULTS: readonly FaultName[] = [...STS_FAULTS, ...REDIS_FAULTS];
