// Policy decisions per second: rolegate's compiled evaluator against @cedar-policy/cedar-wasm
// (Apache-2.0, the anchor) on an equivalent policy, measured in the same run. One statement list
// below is rendered both as an IAM/Lattice policy and as Cedar, and every request is checked to
// get the same decision from both before anything is timed.
//
// Cedar has no string concatenation, so the IAM statement with a policy variable
// (`…/teams/${aws:PrincipalTag/team}/*`) becomes a comparison of the path's team segment, which
// the harness puts in the Cedar context; Cedar gets that work done for it.

import { compilePolicy, type JsonValue, type PolicyRequest } from '../packages/policy/src/index.ts';
import {
  type Cond,
  largeSpecs,
  REQUESTS,
  type Spec,
  toIam,
  typicalSpecs,
} from '../packages/policy/test/support/lattice-workload.ts';
import { measureSync, printTable, type Rate } from './lib/measure.ts';

const q = (s: string) => JSON.stringify(s);

function cedarCondition(c: Cond): string {
  switch (c.kind) {
    case 'anonymous':
      return 'context.principalType == "Anonymous"';
    case 'method':
      return `(${c.values.map((v) => `context.method == ${q(v)}`).join(' || ')})`;
    case 'ip': {
      const any = c.cidrs.map((x) => `context.sourceIp.isInRange(ip(${q(x)}))`).join(' || ');
      return c.negated ? `!(${any})` : `(${any})`;
    }
    case 'tag':
      return `context.tags has ${q(c.key)} && context.tags[${q(c.key)}] ${c.like ? 'like' : '=='} ${q(c.value)}`;
    case 'org':
      return `context has orgId && context.orgId == ${q(c.value)}`;
    case 'arnLike':
      return `context has principalRole && context.principalRole like ${q(c.pattern)}`;
    case 'teamVariable':
      return 'context.tags has "team" && context has pathTeam && context.pathTeam == context.tags.team';
  }
}

function toCedar(specs: Spec[]): string {
  return specs
    .map((s) => {
      const when: string[] = [];
      if (s.principal !== '*') {
        when.push(
          'role' in s.principal
            ? `context has principalRole && context.principalRole == ${q(s.principal.role)}`
            : `context has account && context.account == ${q(s.principal.account)}`,
        );
      }
      if (s.resource !== '*')
        when.push(`context.resource ${s.resource.includes('*') ? 'like' : '=='} ${q(s.resource)}`);
      when.push(...s.conditions.map(cedarCondition));
      const body = when.length === 0 ? '' : ` when { ${when.join(' && ')} }`;
      return `@id(${q(s.sid)}) ${s.effect === 'Allow' ? 'permit' : 'forbid'}(principal, action == Action::"vpc-lattice-svcs:Invoke", resource)${body};`;
    })
    .join('\n');
}

function cedarContext(r: PolicyRequest): Record<string, JsonValue> {
  const c = r.context as Record<string, string>;
  const tags = r.principal?.tags ?? {};
  const teams = r.resource.match(/\/teams\/([^/]+)\//);
  const out: Record<string, JsonValue> = {
    principalType: c['aws:PrincipalType']!,
    method: c['vpc-lattice-svcs:RequestMethod']!,
    resource: r.resource,
    sourceIp: { __extn: { fn: 'ip', arg: c['aws:SourceIp']! } },
    tags: { ...tags },
  };
  if (c['aws:PrincipalArn']) out['principalRole'] = c['aws:PrincipalArn'];
  if (c['aws:PrincipalAccount']) out['account'] = c['aws:PrincipalAccount'];
  if (c['aws:PrincipalOrgID']) out['orgId'] = c['aws:PrincipalOrgID'];
  if (teams?.[1]) out['pathTeam'] = teams[1];
  return out;
}

interface Cedar {
  preparsePolicySet(id: string, p: { staticPolicies: string }): { type: string; errors?: unknown };
  statefulIsAuthorized(call: unknown): {
    type: string;
    response?: { decision: string };
    errors?: unknown;
  };
  getCedarVersion(): string;
}

async function loadCedar(): Promise<Cedar | string> {
  try {
    return (await import('@cedar-policy/cedar-wasm/nodejs')) as unknown as Cedar;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function rotate<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

export default async function (): Promise<void> {
  const typical = typicalSpecs();
  const large = largeSpecs();
  const typicalPolicy = compilePolicy(toIam(typical));
  const largePolicy = compilePolicy(toIam(large));
  console.log(
    `\npolicy: typical = ${typical.length} statements (${JSON.stringify(toIam(typical)).length} B), ` +
      `large = ${large.length} statements (${JSON.stringify(toIam(large)).length} B), ${REQUESTS.length} rotating requests`,
  );
  console.log(`  decisions: ${REQUESTS.map((r) => typicalPolicy.evaluate(r)).join(', ')}`);

  const next = rotate(REQUESTS);
  const rates: Rate[] = [
    measureSync('rolegate typical', () => typicalPolicy.evaluate(next())),
    measureSync('rolegate 10 KB', () => largePolicy.evaluate(next())),
    measureSync('rolegate typical + explain', () => typicalPolicy.explain(next())),
  ];

  const cedar = await loadCedar();
  if (typeof cedar === 'string') {
    console.log(`  cedar-wasm unavailable (${cedar}); anchor = JSON round trip of the request`);
    printTable(
      'policy decisions/s (anchor: JSON round trip)',
      measureSync('JSON round trip', () => JSON.parse(JSON.stringify(next()))),
      rates,
    );
    return;
  }
  const cedarRates: Rate[] = [];
  for (const [id, specs, policy] of [
    ['typical', typical, typicalPolicy],
    ['large', large, largePolicy],
  ] as const) {
    const parsed = cedar.preparsePolicySet(id, { staticPolicies: toCedar(specs) });
    if (parsed.type !== 'success') throw new Error(`cedar policy ${id}: ${JSON.stringify(parsed)}`);
    const calls = REQUESTS.map((r) => ({
      principal: { type: 'Caller', id: r.principal?.arn ?? 'anonymous' },
      action: { type: 'Action', id: 'vpc-lattice-svcs:Invoke' },
      resource: { type: 'Resource', id: r.resource },
      context: cedarContext(r),
      preparsedPolicySetId: id,
      entities: [],
    }));
    calls.forEach((call, i) => {
      const answer = cedar.statefulIsAuthorized(call);
      const ours = policy.evaluate(REQUESTS[i]!) === 'Allow' ? 'allow' : 'deny';
      if (answer.type !== 'success' || answer.response?.decision !== ours) {
        throw new Error(
          `cedar and rolegate disagree on ${id} request ${i}: ${JSON.stringify(answer)} vs ${ours}`,
        );
      }
    });
    const nextCall = rotate(calls);
    cedarRates.push(
      measureSync(`cedar-wasm ${id === 'typical' ? 'typical' : '10 KB'}`, () =>
        cedar.statefulIsAuthorized(nextCall()),
      ),
    );
  }
  const [anchor, cedarLarge] = cedarRates as [Rate, Rate];
  console.log(
    `  cedar-wasm ${cedar.getCedarVersion()}, preparsed policy set (statefulIsAuthorized); same decisions checked`,
  );
  printTable('policy decisions/s (anchor: cedar-wasm, typical policy)', anchor, [
    cedarLarge,
    ...rates,
  ]);
  console.log(
    `  rolegate / cedar-wasm: typical ${(rates[0]!.opsPerSecond / anchor.opsPerSecond).toFixed(1)}x, ` +
      `10 KB ${(rates[1]!.opsPerSecond / cedarLarge.opsPerSecond).toFixed(1)}x; target ≥ 1,000,000/s typical: ` +
      `${rates[0]!.opsPerSecond >= 1e6 ? 'met' : 'not met on this machine'}`,
  );
}
