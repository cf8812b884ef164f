// fast-check against the proof validator: whatever the input, it answers with a IdentityError or a
// proof whose host is on the allow-list and whose rebuilt request names only that host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdentityError } from '../src/errors.ts';
import { buildStsAllowList } from '../src/sts/endpoints.ts';
import { buildOutboundRequest } from '../src/sts/outbound-request.ts';
import { PROOF_PARAMETERS } from '../src/sts/proof-query.ts';
import { validateStsProof } from '../src/sts/validate-proof.ts';
import { encodeProof, validProofUrl } from './support/proof-builder.ts';

const allowList = buildStsAllowList({
  partitions: ['aws'],
  global: true,
  fips: false,
  dualStack: false,
});
const NOW = new Date('2026-11-22T10:00:00Z');
const options = { allowList, nowSeconds: NOW.getTime() / 1000, maxFutureSkewSeconds: 60 };

function check(proof: string): void {
  try {
    const v = validateStsProof(proof, options);
    assert.equal(allowList.get(v.endpoint.host), v.endpoint);
    const out = buildOutboundRequest(v, 'https://broker.test');
    assert.equal(out.headers.host, v.endpoint.host);
    assert.ok(out.path.startsWith('/?Action=GetCallerIdentity&Version=2011-06-15&'));
    assert.doesNotMatch(out.path, /[\s#\\]/);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
  }
}

describe('proof validator fuzzing', () => {
  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => check(s)),
      { numRuns: 3000 },
    );
  });
  it('arbitrary bytes in a valid envelope', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) =>
        check(`rgsts1.${Buffer.from(bytes).toString('base64url')}`),
      ),
      { numRuns: 3000 },
    );
  });
  it('one character inserted, deleted or replaced anywhere in a valid proof URL', async () => {
    const url = await validProofUrl({ now: NOW });
    const alphabet = fc.constantFrom(...'aA0=&%?#/\\@:.+-_~;, \u0000\u00e9'.split(''));
    fc.assert(
      fc.property(
        fc.nat(url.length),
        alphabet,
        fc.constantFrom('insert', 'delete', 'replace'),
        (at, ch, op) => {
          const mutated =
            op === 'insert'
              ? url.slice(0, at) + ch + url.slice(at)
              : op === 'delete'
                ? url.slice(0, at) + url.slice(at + 1)
                : url.slice(0, at) + ch + url.slice(at + 1);
          check(encodeProof(mutated));
        },
      ),
      { numRuns: 5000 },
    );
  });
  it('random query parameter soups', async () => {
    const names = [...PROOF_PARAMETERS, 'x-amz-date', 'Other'];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...names), fc.stringMatching(/^[A-Za-z0-9%._~-]{0,40}$/)),
          { maxLength: 20 },
        ),
        (pairs) =>
          check(
            encodeProof(
              `https://sts.amazonaws.com/?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`,
            ),
          ),
      ),
      { numRuns: 3000 },
    );
  });
});
