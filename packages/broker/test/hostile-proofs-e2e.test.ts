// Every hostile proof sent through POST /v1/token: refused with its status class and code, no
// token, no crash, no hang — and STS is never asked, because none of them leaves the validator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HOSTILE_PROOFS } from '../../identity/test/support/hostile-proofs.ts';
import { decodeProof } from '../../identity/test/support/proof-builder.ts';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

describe('hostile proofs over HTTP', () => {
  for (const hostile of HOSTILE_PROOFS) {
    it(hostile.name, async () => {
      const valid = decodeProof(await h.proofFor('orders', { nonce: false }));
      const callsBefore = h.sts.calls;
      const res = await h.exchange(tokenForm(hostile.make(valid)));
      if (hostile.name === 'empty proof') {
        assert.equal(res.body.rolegate_code, 'request.missing_parameter');
      } else {
        assert.equal(res.body.rolegate_code, hostile.code);
      }
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
      assert.equal(res.body.access_token, undefined);
      assert.equal(h.sts.calls, callsBefore, 'STS must not be called');
    });
  }

  it('the broker is still healthy afterwards', async () => {
    assert.equal((await h.login('orders')).status, 200);
  });
});
