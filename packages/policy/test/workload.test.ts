// Pins the decisions of the benchmark's workload, so the bench measures what it claims to.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePolicy } from '../src/index.ts';
import { largeSpecs, REQUESTS, toIam, typicalSpecs } from './support/lattice-workload.ts';

describe('benchmark workload', () => {
  const typical = compilePolicy(toIam(typicalSpecs()));
  const large = compilePolicy(toIam(largeSpecs()));

  it('the large policy is just under 10 KB', () => {
    const size = JSON.stringify(toIam(largeSpecs())).length;
    assert.ok(size <= 10_240 && size > 9_000, String(size));
  });

  it('decides each request as intended, the same way in both policies', () => {
    const expected = [
      ['Allow', 'ReadOnly'],
      ['ImplicitDeny', undefined],
      ['Allow', 'Billing'],
      ['ExplicitDeny', 'DenyAnonymous'],
      ['Allow', 'OwnTeam'],
      ['ExplicitDeny', 'DenyAdminOutside'],
      ['Allow', 'Spiffe'],
      ['Allow', 'Rates'],
    ];
    REQUESTS.forEach((r, i) => {
      const e = typical.explain(r);
      assert.deepEqual([e.decision, e.decidedBy?.sid], expected[i], `request ${i}`);
      assert.equal(large.evaluate(r), e.decision);
    });
  });
});
