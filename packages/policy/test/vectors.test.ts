// The shared public vectors (../shared/vectors/policy-public.json beside the checkout, as CI has
// it; a copy in fixtures/ stands in where shared/ is absent): each names the expected decision
// and the deciding Sid.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  compilePolicy,
  type JsonValue,
  type PolicyRequest,
  PolicyValidationError,
} from '../src/index.ts';

interface Vector {
  name: string;
  policy: JsonValue;
  request: PolicyRequest;
  expected: 'Allow' | 'Deny';
  decidedBy?: string | null;
  why: string;
}

const shared = new URL('../../../../shared/vectors/policy-public.json', import.meta.url);
const source = existsSync(shared)
  ? shared
  : new URL('./fixtures/policy-public.json', import.meta.url);
const vectors: Vector[] = JSON.parse(readFileSync(source, 'utf8'));

describe('public policy vectors', () => {
  it('has them all', () => assert.ok(vectors.length >= 32, `${vectors.length} vectors`));
  for (const v of vectors) {
    it(v.name, () => {
      let policy: ReturnType<typeof compilePolicy>;
      try {
        policy = compilePolicy(v.policy);
      } catch (e) {
        // The vectors allow rejecting at load (e.g. partial-wildcard principals): that is a deny.
        assert.ok(e instanceof PolicyValidationError, String(e));
        assert.equal(v.expected, 'Deny', `rejected at load: ${e.message}`);
        return;
      }
      const decision = policy.evaluate(v.request);
      if (v.expected === 'Allow') assert.equal(decision, 'Allow', v.why);
      else assert.notEqual(decision, 'Allow', v.why);
      const explanation = policy.explain(v.request);
      assert.equal(explanation.decision, decision);
      assert.equal(explanation.decidedBy?.sid ?? null, v.decidedBy ?? null);
    });
  }
});
