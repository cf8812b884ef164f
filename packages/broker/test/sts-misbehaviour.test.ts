// STS (or something pretending to be it) answering badly. None of these may produce a token, and
// none may be reported as "bad credentials" when the fault is not the caller's.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ sts: { timeoutMs: 600 } });
});
afterEach(() => {
  for (const key of Object.keys(h.sts.faults))
    delete h.sts.faults[key as keyof typeof h.sts.faults];
});
after(() => h.close());

const success = (arn: string, userId: string, account: string) =>
  JSON.stringify({
    GetCallerIdentityResponse: {
      GetCallerIdentityResult: { Account: account, Arn: arn, UserId: userId },
      ResponseMetadata: { RequestId: '00000000-0000-0000-0000-000000000000' },
    },
  });
const json = { 'content-type': 'application/json' };

async function refusedWith(code: string, status: number, who = 'alice') {
  const res = await h.login(who);
  assert.equal(res.body.rolegate_code, code, JSON.stringify(res.body));
  assert.equal(res.status, status);
  assert.equal(res.body.access_token, undefined);
  return res;
}

describe('STS failures are retryable, not "invalid credentials"', () => {
  it('400 Throttling → 429 with Retry-After', async () => {
    h.sts.faults.throttleRate = 1;
    const res = await refusedWith('sts.throttled', 429);
    assert.equal(res.body.error, 'temporarily_unavailable');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });

  it('5xx is retried once, then 503 with Retry-After', async () => {
    h.sts.faults.serverErrorRate = 1;
    const before = h.sts.calls;
    const res = await refusedWith('sts.unavailable', 503);
    assert.equal(h.sts.calls - before, 2);
    assert.ok(res.headers.get('retry-after'));
  });

  it('no answer within the deadline → 503 sts.timeout', async () => {
    h.sts.faults.hang = true;
    const res = await refusedWith('sts.timeout', 503);
    assert.ok(res.headers.get('retry-after'));
  });

  it('a slow but timely STS still works', async () => {
    h.sts.faults.latencyMs = 100;
    assert.equal((await h.login('alice')).status, 200);
  });

  it('connection refused → 503 after one retry', async () => {
    const dead = await startHarness({
      sts: { endpointOverrides: { '*': 'http://127.0.0.1:1' }, timeoutMs: 1000 },
    });
    try {
      const res = await dead.login('alice');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'sts.unavailable');
    } finally {
      await dead.close();
    }
  });
});

describe('answers the broker must not trust', () => {
  it('a redirect is not followed', async () => {
    h.sts.faults.redirectTo = 'http://127.0.0.1:9/steal';
    const before = h.sts.calls;
    await refusedWith('sts.bad_response', 503);
    assert.equal(h.sts.calls - before, 1);
  });
  it('200 text/html', async () => {
    h.sts.faults.contentType = 'text/html';
    await refusedWith('sts.bad_response', 503);
  });
  it('200 XML although JSON was asked', async () => {
    h.sts.faults.contentType = 'text/xml';
    await refusedWith('sts.bad_response', 503);
  });
  it('an answer over 64 KiB', async () => {
    h.sts.faults.oversizedBodyBytes = 70_000;
    await refusedWith('sts.bad_response', 503);
  });
  it('a malformed body', async () => {
    h.sts.faults.malformedBody = '{"GetCallerIdentityResponse": {';
    await refusedWith('sts.bad_response', 503);
  });
  it('JSON with two Arn keys (spec example)', async () => {
    h.sts.faults.respond = {
      status: 200,
      headers: json,
      body: '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/alice","Arn":"arn:aws:iam::111122223333:user/admin","UserId":"AIDAAAAAAAAAAAAAAAAAA"}}}',
    };
    await refusedWith('sts.bad_response', 503);
  });
  it('an error body echoing a fake identity (CVE-2020-16250)', async () => {
    h.sts.faults.respond = {
      status: 200,
      headers: json,
      body: JSON.stringify({
        Error: {
          Code: 'InvalidAction',
          Message: '<GetCallerIdentityResponse><Arn>arn:aws:iam::999999999999:role/admin</Arn>',
        },
        GetCallerIdentityResponse: JSON.parse(
          success('arn:aws:iam::999999999999:user/admin', 'AIDAAAAAAAAAAAAAAAAAA', '999999999999'),
        ).GetCallerIdentityResponse,
      }),
    };
    await refusedWith('sts.bad_response', 503);
  });
  it('leading junk before the JSON', async () => {
    h.sts.faults.respond = {
      status: 200,
      headers: json,
      body: `)]}'\n${success('arn:aws:iam::111122223333:user/alice', 'AIDAAAAAAAAAAAAAAAAAA', '111122223333')}`,
    };
    await refusedWith('sts.bad_response', 503);
  });
  it('an extra member in the result', async () => {
    h.sts.faults.respond = {
      status: 200,
      headers: json,
      body: '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":"arn:aws:iam::111122223333:user/alice","UserId":"AIDAAAAAAAAAAAAAAAAAA","Admin":true}}}',
    };
    await refusedWith('sts.bad_response', 503);
  });
  it('Arn as a number', async () => {
    h.sts.faults.respond = {
      status: 200,
      headers: json,
      body: '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"111122223333","Arn":7,"UserId":"AIDAAAAAAAAAAAAAAAAAA"}}}',
    };
    await refusedWith('sts.bad_response', 503);
  });
  it('an unknown 4xx error code is a refusal of the proof', async () => {
    h.sts.faults.respond = {
      status: 403,
      headers: json,
      body: '{"Error":{"Code":"AccessDenied","Message":"no","Type":"Sender"},"RequestId":"x"}',
    };
    await refusedWith('sts.rejected', 401);
  });
  it('a 4xx with an unreadable body', async () => {
    h.sts.faults.respond = {
      status: 403,
      headers: { 'content-type': 'text/html' },
      body: '<html>denied</html>',
    };
    await refusedWith('sts.bad_response', 503);
  });
});

describe('identities that do not add up', () => {
  const answer = (arn: string, userId: string, account: string) => {
    h.sts.faults.respond = { status: 200, headers: json, body: success(arn, userId, account) };
  };
  it('Account differs from the ARN account', async () => {
    answer('arn:aws:iam::111122223333:user/alice', 'AIDAAAAAAAAAAAAAAAAAA', '444455556666');
    await refusedWith('sts.identity_mismatch', 503);
  });
  it('ARN partition differs from the host partition', async () => {
    answer('arn:aws-cn:iam::111122223333:user/alice', 'AIDAAAAAAAAAAAAAAAAAA', '111122223333');
    await refusedWith('sts.identity_mismatch', 503);
  });
  it('assumed-role UserId with another session name', async () => {
    answer(
      'arn:aws:sts::111122223333:assumed-role/orders/orders',
      'AROAAAAAAAAAAAAAAAAAA:admin',
      '111122223333',
    );
    await refusedWith('sts.identity_mismatch', 503);
  });
  it('user ARN with a role unique id', async () => {
    answer('arn:aws:iam::111122223333:user/alice', 'AROAAAAAAAAAAAAAAAAAA', '111122223333');
    await refusedWith('sts.identity_mismatch', 503);
  });
  it('an ARN with an unknown partition', async () => {
    answer('arn:evil:iam::111122223333:user/alice', 'AIDAAAAAAAAAAAAAAAAAA', '111122223333');
    await refusedWith('sts.bad_response', 503);
  });
  it('an ARN with seven fields', async () => {
    answer('arn:aws:iam::111122223333:user/alice:x', 'AIDAAAAAAAAAAAAAAAAAA', '111122223333');
    await refusedWith('sts.bad_response', 503);
  });
  it('the account root user is refused by default', async () => {
    answer('arn:aws:iam::111122223333:root', '111122223333', '111122223333');
    await refusedWith('identity.root_not_allowed', 403);
  });
  it('a federated user is refused by default', async () => {
    answer('arn:aws:sts::111122223333:federated-user/bob', '111122223333:bob', '111122223333');
    await refusedWith('identity.federated_user_not_allowed', 403);
  });
  it('a service-linked role is refused by default', async () => {
    answer(
      'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForECS/x1',
      'AROAAAAAAAAAAAAAAAAAA:x1',
      '111122223333',
    );
    await refusedWith('identity.service_linked_role_not_allowed', 403);
  });
  it('a principal kind GetCallerIdentity never returns', async () => {
    answer('arn:aws:iam::111122223333:group/admins', 'AGPAAAAAAAAAAAAAAAAAA', '111122223333');
    await refusedWith('identity.unsupported_principal', 403);
  });
});
