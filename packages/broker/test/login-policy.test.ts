// The login policy: IAM format, action rolegate:IssueToken, resource = the requested audience.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseBrokerConfig } from '../src/config/load-config.ts';
import { type Harness, startHarness } from './support/harness.ts';

const policy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OrdersToBilling',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
      Action: 'rolegate:IssueToken',
      Resource: ['https://billing.example', 'https://rates.example'],
    },
    {
      Sid: 'ReviewsToRates',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/reviews' },
      Action: 'rolegate:IssueToken',
      Resource: 'https://rates.*',
    },
    {
      Sid: 'UsersOnlyFromLoopback',
      Effect: 'Allow',
      Principal: { AWS: '111122223333' },
      Action: 'rolegate:*',
      Resource: 'https://users.example',
      Condition: {
        StringEquals: { 'aws:PrincipalType': 'User' },
        IpAddress: { 'aws:SourceIp': '127.0.0.0/8' },
      },
    },
    {
      Sid: 'NeverAdmin',
      Effect: 'Deny',
      Principal: '*',
      Action: 'rolegate:IssueToken',
      Resource: 'https://admin.example',
    },
  ],
};

let h: Harness;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-policy-'));
  const file = join(dir, 'login.json');
  writeFileSync(file, JSON.stringify(policy));
  h = await startHarness({ loginPolicy: file });
});
after(() => h.close());

describe('login policy', () => {
  const cases: [string, string, number][] = [
    ['orders', 'https://billing.example', 200],
    ['orders', 'https://rates.example', 200],
    ['reviews', 'https://rates.example', 200],
    ['reviews', 'https://billing.example', 403],
    ['orders', 'https://other.example', 403],
    ['alice', 'https://users.example', 200],
    ['orders', 'https://users.example', 403],
    ['alice', 'https://admin.example', 403],
  ];
  for (const [who, audience, status] of cases) {
    it(`${who} → ${audience}: ${status}`, async () => {
      const res = await h.login(who, audience);
      assert.equal(res.status, status, JSON.stringify(res.body));
      if (status === 403) {
        assert.equal(res.body.rolegate_code, 'policy.denied');
        assert.equal(res.body.error, 'unauthorized_client');
        assert.equal(res.body.access_token, undefined);
      }
    });
  }

  it('a denied login still uses up the proof (it was confirmed by STS)', async () => {
    const proof = await h.proofFor('reviews', { now: new Date(Date.now() - 3000) });
    const form = (audience: string) => ({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: proof,
      subject_token_type: 'urn:rolegate:token-type:aws-sts-presigned',
      audience,
    });
    assert.equal((await h.exchange(form('https://billing.example'))).status, 403);
    assert.equal(
      (await h.exchange(form('https://rates.example'))).body.rolegate_code,
      'proof.replayed',
    );
  });
});

describe('configuration of the login policy', () => {
  it('outside dev mode a login policy is required', () => {
    assert.throws(
      () => parseBrokerConfig({ issuer: 'https://broker.example' }),
      (e: Error & { issues: string[] }) => e.issues.some((i) => i.startsWith('loginPolicy:')),
    );
  });
  it('an invalid policy stops the broker from starting', async () => {
    await assert.rejects(
      startHarness({
        loginPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }],
        },
      }),
      (e: Error & { code?: string }) => typeof e.code === 'string' && e.code.startsWith('policy'),
    );
  });
});
