// The oracle's verdict on one answer: an expected success, an expected refusal (the hostile share,
// the denied principal, the flipped permission, a revoked key's token), an expected failure
// inside a fault window that explains it (503/429 with Retry-After, 502/504 for a dead backend, a
// refused connection to a killed broker, 503 sts.unavailable for a raw proof while STS or the
// shared Redis is down), or unexpected — with the reason, for the report.
import {
  BROKER_WIDE,
  covering,
  GATEWAY_PROOF_FAULTS,
  type Permission,
  permission,
  REDIS_FAULTS,
  STS_FAULTS,
} from './expectations.ts';
import type { FaultName, FaultWindow, FlipEvent, OutcomeRecord } from './records.ts';

export type OutcomeClass = 'success' | 'refusal' | 'fault' | 'unexpected';

export interface Verdict {
  readonly class: OutcomeClass;
  /** The fault that explains an expected failure. */
  readonly fault?: FaultName;
  readonly reason?: string;
}

export interface OracleInput {
  readonly windows: readonly FaultWindow[];
  readonly flips: readonly FlipEvent[];
  /** kid → when it was revoked. */
  readonly revokedAt: ReadonlyMap<string, number>;
}

const ok = (): Verdict => ({ class: 'success' });
const refused = (reason: string): Verdict => ({ class: 'refusal', reason });
const unexpected = (reason: string): Verdict => ({ class: 'unexpected', reason });

function explained(r: OutcomeRecord, input: OracleInput, names: readonly FaultName[]): Verdict {
  const window = covering(r, input.windows, names);
  if (window) return { class: 'fault', fault: window.name };
  return unexpected(
    `${r.target} ${r.status} ${r.code ?? r.error ?? ''} outside any fault that explains it`,
  );
}

function brokerVerdict(r: OutcomeRecord, input: OracleInput): Verdict {
  if (r.status === 200) {
    return r.kind === 'hostile-replay-cross'
      ? unexpected('a proof spent at the gateway accepted at a broker')
      : ok();
  }
  if (
    r.status === 401 &&
    (r.kind === 'hostile-replay-broker' || r.kind === 'hostile-replay-cross') &&
    r.code === 'proof.replayed'
  ) {
    return refused('replayed proof');
  }
  if (r.status === 0 && r.error === 'client.all_brokers_failed') {
    // The client's failover tried every replica: any fault that fails logins explains it.
    return explained(r, input, [...BROKER_WIDE, ...STS_FAULTS, 'broker-kill']);
  }
  if (r.status === 0) {
    const replica = `broker-${'ab'[r.broker ?? 0]}`;
    const window = input.windows.find(
      (w) =>
        w.name === 'broker-kill' &&
        w.detail === replica &&
        r.t <= w.end + w.settleMs &&
        r.end >= w.start,
    );
    return window
      ? { class: 'fault', fault: 'broker-kill' }
      : unexpected(`broker ${replica} unreachable (${r.error})`);
  }
  if (r.status === 503 && r.retryAfter && r.code === 'broker.overloaded') {
    // Load shedding: right while a fault piles work up (a dead replica's share moves to the
    // other, logins wait out STS deadlines); outside every window it means the soak's own load
    // overwhelmed a healthy system, which the run reports.
    return explained(
      r,
      input,
      input.windows.map((w) => w.name),
    );
  }
  if ((r.status === 503 || r.status === 429) && r.retryAfter) {
    // A proof the gateway spent is refused at the replay check, before STS or KMS is asked: only
    // the shared cache being unreachable can fail it.
    if (r.kind === 'hostile-replay-cross') return explained(r, input, REDIS_FAULTS);
    return explained(r, input, r.viaSts ? [...BROKER_WIDE, ...STS_FAULTS] : BROKER_WIDE);
  }
  return unexpected(`broker ${r.status} ${r.code ?? ''}`);
}

function failureVerdict(r: OutcomeRecord, input: OracleInput): Verdict {
  if ((r.status === 502 || r.status === 504) && r.service) {
    const window = input.windows.find(
      (w) =>
        w.name === 'backend-crash' &&
        w.detail === r.service &&
        r.t <= w.end + w.settleMs &&
        r.end >= w.start,
    );
    if (window) return { class: 'fault', fault: 'backend-crash' };
  }
  if (r.status === 503 && r.retryAfter) {
    if (r.code === 'sts.unavailable' && r.proof !== undefined) {
      // A raw proof: STS confirms it and the shared Redis claims it, so either being down fails it
      // (bearer tokens need neither). A proof a broker spent is refused at the replay check,
      // before STS: only Redis explains that one failing.
      return explained(
        r,
        input,
        r.kind === 'hostile-replay-cross' ? REDIS_FAULTS : GATEWAY_PROOF_FAULTS,
      );
    }
    if (r.code === 'jwks.unavailable') return explained(r, input, ['jwks-unreachable']);
    // Overload shedding (503 + Retry-After) is expected while anything is failing.
    if (!r.code?.startsWith('sts.'))
      return explained(
        r,
        input,
        input.windows.map((w) => w.name),
      );
  }
  return unexpected(`gateway ${r.status} ${r.code ?? r.error ?? ''} for an allowed caller`);
}

function gatewayVerdict(r: OutcomeRecord, input: OracleInput): Verdict {
  const hostileToken =
    r.kind === 'hostile-forged' ||
    r.kind === 'hostile-expired' ||
    r.kind === 'hostile-wrong-audience';
  if (hostileToken) {
    if (r.status === 401 && r.code?.startsWith('token.')) return refused(r.kind);
    if (r.status === 200) return unexpected(`${r.kind} accepted`);
    return r.status >= 500
      ? failureVerdict(r, input)
      : unexpected(`${r.kind}: ${r.status} ${r.code}`);
  }
  const replay = r.kind === 'hostile-replay-gateway' || r.kind === 'hostile-replay-cross';
  if (replay && r.status === 401 && r.code === 'sts.proof_replayed')
    return refused('replayed proof');
  if (r.kind === 'hostile-replay-cross' && r.status === 200) {
    return unexpected('a proof spent at a broker accepted at the gateway');
  }
  const revokedAt = r.kid ? input.revokedAt.get(r.kid) : undefined;
  if (
    revokedAt !== undefined &&
    r.end >= revokedAt &&
    r.status === 401 &&
    r.code === 'token.unknown_key'
  ) {
    return refused('token of a revoked key');
  }
  const allowed: Permission = permission(r.caller, r.service!, r, input.flips);
  if (r.status === 200) {
    return allowed === 'no'
      ? unexpected(`${r.caller} → ${r.service} allowed; policy denies it`)
      : ok();
  }
  if (r.status === 403 && r.code === 'request.denied') {
    return allowed === 'yes'
      ? unexpected(`${r.caller} → ${r.service} denied; policy allows it`)
      : refused('denied');
  }
  return failureVerdict(r, input);
}

export function classify(r: OutcomeRecord, input: OracleInput): Verdict {
  return r.target === 'broker' ? brokerVerdict(r, input) : gatewayVerdict(r, input);
}
