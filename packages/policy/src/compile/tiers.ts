// Several policies that all apply to one request (Lattice: the service network's policy and the
// service's): every tier must Allow, and an explicit Deny in any tier wins. No tiers at all is
// ImplicitDeny — an empty list never grants.

import type { Decision, PolicyRequest, TiersExplanation } from '../types.ts';
import { RequestEnv } from './env.ts';
import { type CompiledPolicy, PolicyImpl } from './policy.ts';

function decideTier(tier: CompiledPolicy, env: RequestEnv): Decision {
  return tier instanceof PolicyImpl ? tier.decide(env) : tier.evaluate(env.request);
}

export function evaluateTiers(tiers: readonly CompiledPolicy[], request: PolicyRequest): Decision {
  const env = new RequestEnv(request);
  let allowed = tiers.length > 0;
  for (const tier of tiers) {
    const d = decideTier(tier, env);
    if (d === 'ExplicitDeny') return d;
    if (d !== 'Allow') allowed = false;
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

export function explainTiers(
  tiers: readonly CompiledPolicy[],
  request: PolicyRequest,
): TiersExplanation {
  const env = new RequestEnv(request);
  const explained = tiers.map((t) =>
    t instanceof PolicyImpl ? t.explainWith(env) : t.explain(request),
  );
  const denied = explained.findIndex((e) => e.decision === 'ExplicitDeny');
  const notAllowed = explained.findIndex((e) => e.decision !== 'Allow');
  const decision: Decision =
    denied >= 0 ? 'ExplicitDeny' : notAllowed >= 0 || tiers.length === 0 ? 'ImplicitDeny' : 'Allow';
  const decidingTier = denied >= 0 ? denied : notAllowed >= 0 ? notAllowed : undefined;
  return { decision, ...(decidingTier === undefined ? {} : { decidingTier }), tiers: explained };
}
