// The identity headers in Lattice's `key=value; key=value` form, escaped so that no value can
// forge a field or break the header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Principal } from '@rolegate/verify';
import { identityHeader, identityTagsHeader } from '../src/index.ts';

function principal(overrides: Partial<Principal> = {}): Principal {
  const base = {
    arn: 'arn:aws:iam::111122223333:role/orders',
    account: '111122223333',
    partition: 'aws',
    type: 'AssumedRole',
    sessionArn: 'arn:aws:sts::111122223333:assumed-role/orders/s1',
    sessionName: 's1',
    userId: 'AROAEXAMPLE:s1',
    tags: {},
    method: 'aws-sts',
    sourceIdentity: undefined,
    issuer: 'https://broker.test',
    audience: 'https://billing.example',
    expiresAt: 0,
    tokenId: undefined,
  } as const;
  return { ...base, claims: {} as Principal['claims'], ...overrides };
}

describe('identity headers', () => {
  it('names the caller as Lattice does', () => {
    assert.equal(
      identityHeader(principal(), 'o-abcdefghij'),
      'Principal=arn:aws:sts::111122223333:assumed-role/orders/s1; PrincipalOrgID=o-abcdefghij; SessionName=s1; Type=AssumedRole',
    );
    assert.equal(identityHeader(null, undefined), 'Type=Anonymous');
  });

  it('adds the X.509 tags with their Lattice names', () => {
    const p = principal({
      tags: {
        'x509SAN/URI': 'spiffe://example.org/ns/payments/sa/api',
        'x509Subject/CN': 'api',
        team: 'p',
      },
    });
    assert.equal(
      identityHeader(p, undefined),
      'Principal=arn:aws:sts::111122223333:assumed-role/orders/s1; SessionName=s1; Type=AssumedRole; ' +
        'X509SAN/URI=spiffe://example.org/ns/payments/sa/api; X509Subject/CN=api',
    );
    assert.equal(
      identityTagsHeader(p),
      'team=p; x509SAN/URI=spiffe://example.org/ns/payments/sa/api; x509Subject/CN=api',
    );
  });

  it('escapes ; and \\ so that a value cannot forge another field', () => {
    const p = principal({ sessionName: 'x; Type=Account', tags: { 'a=b;c': 'd\\; e=f' } });
    assert.equal(
      identityHeader(p, undefined),
      'Principal=arn:aws:sts::111122223333:assumed-role/orders/s1; SessionName=x\\; Type=Account; Type=AssumedRole',
    );
    assert.equal(identityTagsHeader(p), 'a\\=b\\;c=d\\\\\\; e=f');
  });

  it('writes control and non-ASCII characters as \\xHH bytes, never raw', () => {
    const header = identityTagsHeader(principal({ tags: { team: 'caf\u00e9\r\nX-Evil: 1' } }));
    assert.equal(header, 'team=caf\\xc3\\xa9\\x0d\\x0aX-Evil: 1');
    assert.match(header!, /^[\x20-\x7e]*$/);
  });

  it('has no tags header for a caller without tags', () => {
    assert.equal(identityTagsHeader(principal()), undefined);
    assert.equal(identityTagsHeader(null), undefined);
  });
});
