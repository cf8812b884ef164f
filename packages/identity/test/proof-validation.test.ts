// Offline proof validation: every hostile proof in the catalogue is refused with its own code,
// and the valid proofs it was made from pass, so each refusal is for the reason named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdentityError } from '../src/errors.ts';
import { buildStsAllowList } from '../src/sts/endpoints.ts';
import { validateStsProof } from '../src/sts/validate-proof.ts';
import { HOSTILE_PROOFS } from './support/hostile-proofs.ts';
import { encodeProof, validProofUrl, withExtraPair, withParam } from './support/proof-builder.ts';

const allowList = buildStsAllowList({
  partitions: ['aws'],
  global: true,
  fips: false,
  dualStack: false,
});
const NOW = new Date('2026-11-22T10:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const options = { allowList, nowSeconds, maxFutureSkewSeconds: 60 };

function refusal(proof: string): string {
  try {
    validateStsProof(proof, options);
  } catch (error) {
    assert.ok(error instanceof IdentityError, `not a IdentityError: ${error}`);
    return error.code;
  }
  return 'accepted';
}

describe('valid proofs', () => {
  it('a regional proof validates into its pieces', async () => {
    const proof = encodeProof(await validProofUrl({ now: NOW }));
    const v = validateStsProof(proof, options);
    assert.equal(v.endpoint.host, 'sts.us-east-1.amazonaws.com');
    assert.equal(v.endpoint.partition, 'aws');
    assert.equal(v.credential.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(v.credential.region, 'us-east-1');
    assert.equal(v.signedAt, nowSeconds);
    assert.match(v.signature, /^[0-9a-f]{64}$/);
    assert.equal(v.securityToken, undefined);
  });

  it('the global endpoint signs for us-east-1', async () => {
    const proof = encodeProof(await validProofUrl({ host: 'sts.amazonaws.com', now: NOW }));
    assert.equal(validateStsProof(proof, options).endpoint.variant, 'global');
  });

  it('a session token is carried', async () => {
    const token = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH+/=';
    const proof = encodeProof(await validProofUrl({ now: NOW, sessionToken: token }));
    assert.equal(validateStsProof(proof, options).securityToken, token);
  });

  it('another region is checked against its own host', async () => {
    const url = await validProofUrl({
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      now: NOW,
    });
    assert.equal(validateStsProof(encodeProof(url), options).endpoint.signingRegion, 'eu-west-1');
    const wrong = await validProofUrl({
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'us-east-1',
      now: NOW,
    });
    assert.equal(refusal(encodeProof(wrong)), 'proof.bad_credential_scope');
  });

  it('FIPS, dual-stack and China hosts only when configured', async () => {
    const wide = buildStsAllowList({
      partitions: ['aws', 'aws-cn'],
      global: false,
      fips: true,
      dualStack: true,
    });
    for (const [host, region] of [
      ['sts-fips.us-west-2.amazonaws.com', 'us-west-2'],
      ['sts.eu-central-1.api.aws', 'eu-central-1'],
      ['sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ] as const) {
      const proof = encodeProof(await validProofUrl({ host, region, now: NOW }));
      assert.equal(validateStsProof(proof, { ...options, allowList: wide }).endpoint.host, host);
      assert.equal(refusal(proof), 'proof.host_not_allowed', host);
    }
    const global = encodeProof(await validProofUrl({ host: 'sts.amazonaws.com', now: NOW }));
    assert.throws(() => validateStsProof(global, { ...options, allowList: wide }), {
      code: 'proof.host_not_allowed',
    });
  });

  it('the order of query parameters does not matter', async () => {
    const url = await validProofUrl({ now: NOW });
    const [prefix, query] = url.split('?') as [string, string];
    const reversed = `${prefix}?${query.split('&').reverse().join('&')}`;
    assert.equal(refusal(encodeProof(reversed)), 'accepted');
  });
});

describe('hostile proofs are refused with their code', () => {
  assert.ok(HOSTILE_PROOFS.length >= 60, `only ${HOSTILE_PROOFS.length} hostile proofs`);
  for (const hostile of HOSTILE_PROOFS) {
    it(hostile.name, async () => {
      const url = await validProofUrl({ now: NOW });
      assert.equal(refusal(encodeProof(url)), 'accepted', 'the base proof must be valid');
      assert.equal(refusal(hostile.make(url)), hostile.code);
    });
  }
});

describe('the date window', () => {
  const at = async (signedAt: Date) => refusal(encodeProof(await validProofUrl({ now: signedAt })));
  it('accepts a proof 14m59s old and refuses one 15m01s old', async () => {
    assert.equal(await at(new Date(NOW.getTime() - 899_000)), 'accepted');
    assert.equal(await at(new Date(NOW.getTime() - 901_000)), 'proof.expired');
  });
  it('accepts 60s in the future, refuses 61s', async () => {
    assert.equal(await at(new Date(NOW.getTime() + 60_000)), 'accepted');
    assert.equal(await at(new Date(NOW.getTime() + 61_000)), 'proof.not_yet_valid');
  });
  it('a shorter X-Amz-Expires is honoured', async () => {
    const url = await validProofUrl({ now: new Date(NOW.getTime() - 20_000), expires: 10 });
    assert.equal(refusal(encodeProof(url)), 'proof.expired');
    const fresh = await validProofUrl({ now: new Date(NOW.getTime() - 5_000), expires: 10 });
    assert.equal(refusal(encodeProof(fresh)), 'accepted');
  });
  it('X-Amz-Expires does not extend the window', async () => {
    const url = await validProofUrl({ now: new Date(NOW.getTime() - 3_600_000) });
    assert.equal(refusal(encodeProof(withParam(url, 'X-Amz-Expires', '900'))), 'proof.expired');
  });
  it('a security token of printable but non-base64 characters is refused', async () => {
    const url = await validProofUrl({ now: NOW });
    assert.equal(
      refusal(encodeProof(withExtraPair(url, 'X-Amz-Security-Token=a%3Cb'))),
      'proof.bad_security_token',
    );
  });
});
