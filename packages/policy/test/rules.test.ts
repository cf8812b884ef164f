// One test per fixture case in fixtures/cases/*.json; each pins one rule.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy, evaluateTiers, explainTiers, PolicyValidationError } from '../src/index.ts';
import { loadCases } from './support/cases.ts';

const cases = loadCases();
const files = [...new Set(cases.map((c) => c.file))];

for (const file of files) {
  describe(file, () => {
    for (const c of cases.filter((x) => x.file === file)) {
      it(c.name, () => {
        const { raw } = c;
        if (raw.reject !== undefined) {
          assert.throws(
            () => compilePolicy(c.policy),
            (e: unknown) => {
              assert.ok(e instanceof PolicyValidationError, String(e));
              const hit = e.issues.find((i) => i.rule === raw.reject);
              assert.ok(hit, `expected rule ${raw.reject}, got ${JSON.stringify(e.issues)}`);
              if (raw.path !== undefined) assert.equal(hit.path, raw.path);
              return true;
            },
          );
          return;
        }
        if (raw.tiers !== undefined) {
          const tiers = raw.tiers.map((t) => compilePolicy(t));
          assert.equal(evaluateTiers(tiers, c.request), raw.expect);
          const explained = explainTiers(tiers, c.request);
          assert.equal(explained.decision, raw.expect);
          if (raw.decidingTier !== undefined) {
            assert.equal(explained.decidingTier, raw.decidingTier);
          }
          return;
        }
        const policy = compilePolicy(c.policy);
        assert.equal(policy.evaluate(c.request), raw.expect);
        const explanation = policy.explain(c.request);
        assert.equal(explanation.decision, raw.expect);
        if (raw.decidedBy !== undefined) assert.equal(explanation.decidedBy?.sid, raw.decidedBy);
        if (raw.failed !== undefined) {
          assert.equal(explanation.statements[0]?.failed?.element, raw.failed);
        }
      });
    }
  });
}

describe('fixtures', () => {
  it('have unique names', () => {
    const names = cases.map((c) => `${c.file}/${c.name}`);
    assert.equal(new Set(names).size, names.length);
  });
});
