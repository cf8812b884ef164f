// ARN normalisation for every principal form GetCallerIdentity returns, in every partition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PARTITIONS } from '@rolegate/core';
import { parseCallerArn } from '../src/principal/arn.ts';
import { principalFromAnswer } from '../src/principal/principal.ts';
import { buildStsAllowList } from '../src/sts/endpoints.ts';

const ALL = buildStsAllowList({
  partitions: PARTITIONS,
  global: true,
  fips: true,
  dualStack: true,
});
const endpointOf = (partition: string) => [...ALL.values()].find((e) => e.partition === partition)!;
const open = { allowRoot: true, allowFederatedUsers: true, allowServiceLinkedRoles: true };
const AROA = 'AROA3XFRBF535PLBIFPI4';
const AIDA = 'AIDAJQABLZS4A3QDU576Q';

describe('principal forms', () => {
  for (const partition of PARTITIONS) {
    it(`assumed role in ${partition} → path-less role ARN, partition kept`, () => {
      const p = principalFromAnswer(
        {
          arn: `arn:${partition}:sts::123456789012:assumed-role/deploy/ci-42`,
          userId: `${AROA}:ci-42`,
          account: '123456789012',
          requestId: '',
        },
        endpointOf(partition),
        open,
      );
      assert.equal(p.arn, `arn:${partition}:iam::123456789012:role/deploy`);
      assert.equal(p.sessionArn, `arn:${partition}:sts::123456789012:assumed-role/deploy/ci-42`);
      assert.equal(p.partition, partition);
      assert.equal(p.sessionName, 'ci-42');
      assert.equal(p.uniqueId, AROA);
      assert.equal(p.type, 'AssumedRole');
    });
  }

  it('an SSO permission-set role with an e-mail session name', () => {
    const arn =
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jane.doe@example.com';
    const p = principalFromAnswer(
      { arn, userId: `${AROA}:jane.doe@example.com`, account: '123456789012', requestId: '' },
      endpointOf('aws'),
      open,
    );
    assert.equal(p.arn, 'arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123456789abcdef');
    assert.equal(p.sessionName, 'jane.doe@example.com');
  });

  it('a user with a path keeps the path in its ARN', () => {
    const arn = 'arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/JaneDoe';
    const parsed = parseCallerArn(arn);
    assert.equal(parsed.path, '/division_abc/subdivision_xyz/');
    assert.equal(parsed.name, 'JaneDoe');
    const p = principalFromAnswer(
      { arn, userId: AIDA, account: '123456789012', requestId: '' },
      endpointOf('aws'),
      open,
    );
    assert.equal(p.arn, arn);
    assert.equal(p.type, 'User');
  });

  it('root when allowed', () => {
    const p = principalFromAnswer(
      {
        arn: 'arn:aws-us-gov:iam::123456789012:root',
        userId: '123456789012',
        account: '123456789012',
        requestId: '',
      },
      endpointOf('aws-us-gov'),
      open,
    );
    assert.equal(p.type, 'Account');
    assert.equal(p.arn, 'arn:aws-us-gov:iam::123456789012:root');
  });

  it('federated user when allowed', () => {
    const p = principalFromAnswer(
      {
        arn: 'arn:aws-cn:sts::123456789012:federated-user/bob',
        userId: '123456789012:bob',
        account: '123456789012',
        requestId: '',
      },
      endpointOf('aws-cn'),
      open,
    );
    assert.equal(p.type, 'FederatedUser');
    assert.equal(p.name, 'bob');
  });
});

describe('ARNs that are refused', () => {
  const bad: [string, string][] = [
    ['arn:aws:sts::123456789012:assumed-role/deploy', 'sts.bad_response'],
    ['arn:aws:sts::123456789012:assumed-role/deploy/s/extra', 'sts.bad_response'],
    ['arn:aws:sts::123456789012:assumed-role/de ploy/s1', 'sts.bad_response'],
    ['arn:aws:sts::12345678901:assumed-role/deploy/s1', 'sts.bad_response'],
    ['arn:aws:sts:us-east-1:123456789012:assumed-role/deploy/s1', 'sts.bad_response'],
    ['arn:AWS:iam::123456789012:root', 'sts.bad_response'],
    ['urn:aws:iam::123456789012:root', 'sts.bad_response'],
    ['arn:aws:iam::123456789012:user/', 'sts.bad_response'],
    ['arn:aws:iam::123456789012:role/deploy', 'identity.unsupported_principal'],
    ['arn:aws:s3:::bucket', 'sts.bad_response'],
    ['arn:aws:iam::123456789012:roots', 'identity.unsupported_principal'],
  ];
  for (const [arn, code] of bad) {
    it(arn, () => assert.throws(() => parseCallerArn(arn), { code }));
  }
});
