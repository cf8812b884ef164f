// What the load generators write (one JSON line per answer) and what the runner records about its
// faults: the oracle reads only these, after the run, so classifying never slows the traffic.
import type { Caller, Service } from '../lib/constants.ts';

/**
 * How the request was made. `client`: a TokenSource caller (refresh ahead); `sts-login` /
 * `x509-login`: a fresh proof or X.509 assertion exchanged at a broker, then the token used;
 * `raw-proof`: a `RoleGate-STS` proof sent straight to the gateway; `hostile-*`: the hostile share
 * (`hostile-replay-cross`: a proof spent at the gateway replayed at a broker — `target` broker —
 * or spent at a broker replayed at the gateway — `target` gateway).
 */
export type Kind =
  | 'client'
  | 'sts-login'
  | 'x509-login'
  | 'raw-proof'
  | 'hostile-forged'
  | 'hostile-expired'
  | 'hostile-wrong-audience'
  | 'hostile-replay-gateway'
  | 'hostile-replay-broker'
  | 'hostile-replay-cross'
  | 'hostile-kept-token';

/** One answer. `status` 0 is a network failure (refused, reset, timed out): `error` says which. */
export interface OutcomeRecord {
  /** Request sent / answer read (ms since the epoch). */
  readonly t: number;
  readonly end: number;
  /** The load generator that made it. */
  readonly lg: string;
  /** `broker`: a token exchange; `gateway`: a call through the gateway. */
  readonly target: 'broker' | 'gateway';
  readonly kind: Kind;
  readonly caller: Caller;
  readonly service?: Service;
  /** For broker answers: which replica (0 = broker-a). */
  readonly broker?: number;
  readonly status: number;
  readonly code?: string;
  readonly retryAfter?: boolean;
  readonly error?: string;
  /** `kid` of the token issued (broker) or presented (gateway). */
  readonly kid?: string;
  /** SHA-256 (hex, 16 chars) of the proof or assertion, for the replay invariant. */
  readonly proof?: string;
  /** Whether the credential is a login through STS (a broker 200 then means STS said yes). */
  readonly viaSts?: boolean;
}

export type FaultName =
  | 'kms-throttle'
  | 'kms-deny-sign'
  | 'sts-5xx'
  | 'sts-throttle'
  | 'sts-hang'
  | 'redis-stop'
  | 'redis-restart'
  | 'broker-kill'
  | 'gateway-reload-flip'
  | 'backend-crash'
  | 'jwks-unreachable'
  | 'key-rotation';

/**
 * A fault as it happened: `start` just before it was switched on, `active` once it was on (the
 * emulator acknowledged, the process was gone), `lifted` just before it was switched off, `end`
 * once the party was back. Answers in [start, end + settleMs] may show it; in [active, lifted]
 * the party said no to everything, so nothing it guards may succeed.
 */
export interface FaultWindow {
  readonly name: FaultName;
  readonly cycle: number;
  readonly start: number;
  readonly active: number;
  readonly lifted: number;
  readonly end: number;
  readonly settleMs: number;
  readonly detail?: string;
}

/** Key ring events of the rotation fault (the revoked-key invariant needs their times). */
export interface KeyEvent {
  readonly at: number;
  readonly action: 'add' | 'promote' | 'retire' | 'revoke' | 'deny-sign';
  readonly kid: string;
}

/** Reloads that flipped reviews → rates: `denied` true from the reload on, false when restored. */
export interface FlipEvent {
  readonly at: number;
  readonly denied: boolean;
}
