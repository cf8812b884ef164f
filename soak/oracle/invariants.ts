// The properties that must hold over the whole run, whatever the faults: each returns the records
// that break it (the report lists the first few). Checked after the run on every answer.
import { REVOCATION_PROPAGATION_MS } from '../faults/schedule.ts';
import type { OracleInput, Verdict } from './classify.ts';
import {
  BROKER_WIDE,
  GATEWAY_PROOF_FAULTS,
  inHardWindow,
  permission,
  STS_FAULTS,
} from './expectations.ts';
import type { OutcomeRecord } from './records.ts';

export interface InvariantResult {
  readonly name: string;
  readonly description: string;
  readonly broken: readonly OutcomeRecord[];
}

const HOSTILE_TOKENS = new Set(['hostile-forged', 'hostile-expired', 'hostile-wrong-audience']);

export function checkInvariants(
  records: readonly OutcomeRecord[],
  verdicts: readonly Verdict[],
  input: OracleInput,
): InvariantResult[] {
  const gateway200 = records.filter((r) => r.target === 'gateway' && r.status === 200);
  const accepted = new Map<string, OutcomeRecord[]>();
  for (const r of records) {
    // Only a proof or assertion carries a digest (a broker's subject token, a gateway call with
    // `RoleGate-STS`); a bearer token does not. Brokers and gateway workers claim in one Redis, so
    // a digest accepted once at a broker and once at the gateway is a replay let through as well.
    if (r.status !== 200 || r.proof === undefined) continue;
    accepted.set(r.proof, [...(accepted.get(r.proof) ?? []), r]);
  }
  return [
    {
      name: 'denied-never-allowed',
      description: 'no denied principal (or hostile credential) is ever let through the gateway',
      broken: gateway200.filter(
        (r) =>
          HOSTILE_TOKENS.has(r.kind) || permission(r.caller, r.service!, r, input.flips) === 'no',
      ),
    },
    {
      name: 'allowed-never-refused-outside-faults',
      description:
        'no allowed caller is refused or failed outside the fault windows that explain it',
      broken: records.filter(
        (r, i) =>
          verdicts[i]!.class === 'unexpected' &&
          r.status !== 200 &&
          (r.target === 'broker' || permission(r.caller, r.service!, r, input.flips) !== 'no'),
      ),
    },
    {
      name: 'proof-accepted-once',
      description:
        'no STS proof or X.509 assertion is accepted twice, at any broker or gateway worker (one Redis for all)',
      broken: [...accepted.values()].filter((list) => list.length > 1).flat(),
    },
    {
      name: 'revoked-key-refused',
      description: `no token of a revoked key is accepted later than ${REVOCATION_PROPAGATION_MS / 1000} s after the revocation, nor issued after it`,
      broken: records.filter((r) => {
        const at = r.kid ? input.revokedAt.get(r.kid) : undefined;
        if (at === undefined || r.status !== 200) return false;
        return r.target === 'broker' ? r.t > at : r.t > at + REVOCATION_PROPAGATION_MS;
      }),
    },
    {
      name: 'nothing-issued-while-a-dependency-says-no',
      description:
        'no token issued (and no raw proof accepted) while STS, KMS or Redis refused everything',
      broken: records.filter((r) => {
        if (r.status !== 200) return false;
        if (r.target === 'broker') {
          // Deny-Sign refuses one key: a promotion landing in the window rightly signs with the next.
          const windows = input.windows.filter(
            (w) => w.name !== 'kms-deny-sign' || w.detail === r.kid,
          );
          return inHardWindow(r, windows, r.viaSts ? [...BROKER_WIDE, ...STS_FAULTS] : BROKER_WIDE);
        }
        // A raw proof needs STS to confirm it and Redis to claim it (the gateway fails closed).
        return r.proof !== undefined && inHardWindow(r, input.windows, GATEWAY_PROOF_FAULTS);
      }),
    },
  ];
}
