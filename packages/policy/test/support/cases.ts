// Loads the rule fixtures (fixtures/cases/*.json) and turns each shorthand case into a full
// policy and request; see fixtures/README.md for the format.

import { readdirSync, readFileSync } from 'node:fs';
import type { JsonValue, PolicyRequest } from '../../src/index.ts';

export const BASE_REQUEST = {
  principal: {
    arn: 'arn:aws:sts::444455556666:assumed-role/orders-api/i-0abc123',
    account: '444455556666',
    tags: { team: 'payments' },
  },
  action: 'vpc-lattice-svcs:Invoke',
  resource: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0/rates',
  context: {
    'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/orders-api',
    'aws:PrincipalAccount': '444455556666',
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalTag/team': 'payments',
    'aws:userid': 'AROAEXAMPLE:i-0abc123',
    'aws:SourceIp': '203.0.113.7',
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': '2025-06-01T12:00:00Z',
    'aws:EpochTime': '1748779200',
    'vpc-lattice-svcs:RequestMethod': 'GET',
    'vpc-lattice-svcs:RequestPath': '/rates',
    'vpc-lattice-svcs:Port': '443',
    'vpc-lattice-svcs:RequestQueryString/mode': ['fast', 'slow'],
    'vpc-lattice-svcs:RequestHeader/x-team': 'payments',
    'vpc-lattice-svcs:ServiceArn':
      'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0',
  },
} as const satisfies PolicyRequest;

export const BASE_STATEMENT = {
  Effect: 'Allow',
  Principal: '*',
  Action: 'vpc-lattice-svcs:Invoke',
  Resource: '*',
} as const;

type Obj = { [k: string]: JsonValue };

export interface RawCase {
  name: string;
  policy?: JsonValue;
  /** Several policies decided together (`evaluateTiers`), in place of `policy`. */
  tiers?: JsonValue[];
  statement?: Obj;
  condition?: Obj;
  version?: string | null;
  request?: Obj;
  expect?: 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';
  reject?: string;
  path?: string;
  decidedBy?: string;
  failed?: string;
  /** With `tiers`: the tier that decided a deny. */
  decidingTier?: number;
}

export interface Case {
  readonly file: string;
  readonly name: string;
  /** The policy, or the first of the `tiers`. */
  readonly policy: JsonValue;
  readonly request: PolicyRequest;
  readonly raw: RawCase;
}

function buildPolicy(c: RawCase): JsonValue {
  if (c.tiers !== undefined) return c.tiers[0] ?? null;
  if (c.policy !== undefined) return c.policy;
  const statement: Obj = { ...BASE_STATEMENT, ...c.statement };
  for (const [k, v] of Object.entries(statement)) if (v === null) delete statement[k];
  if (c.condition !== undefined) statement['Condition'] = c.condition;
  const doc: Obj = { Statement: [statement] };
  const version = c.version === undefined ? '2012-10-17' : c.version;
  return version === null ? doc : { Version: version, ...doc };
}

function buildRequest(c: RawCase): PolicyRequest {
  const { context, ...rest } = c.request ?? {};
  const merged: Record<string, JsonValue> = { ...(BASE_REQUEST.context as unknown as Obj) };
  if (context === null) {
    for (const k of Object.keys(merged)) delete merged[k];
  } else if (context !== undefined) {
    for (const [k, v] of Object.entries(context as Obj)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
  }
  return { ...BASE_REQUEST, ...rest, context: merged } as unknown as PolicyRequest;
}

export function loadCases(): Case[] {
  const dir = new URL('../fixtures/cases/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((file) =>
      (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as RawCase[]).map((raw) => ({
        file,
        name: raw.name,
        policy: buildPolicy(raw),
        request: buildRequest(raw),
        raw,
      })),
    );
}
