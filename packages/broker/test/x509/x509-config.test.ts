// The `x509` section of the broker config: defaults, every check with the option path it names,
// and file paths resolved against the config file's folder.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@rolegate/core';
import { loadBrokerConfigFile, parseBrokerConfig } from '../../src/config/load-config.ts';

const base = { issuer: 'https://broker.example', loginPolicy: 'p.json' };
const ROLE = 'arn:aws:iam::111122223333:role/spiffe-workload';
const issues = (x509: unknown, extra: Record<string, unknown> = {}): string[] => {
  try {
    parseBrokerConfig({ ...base, ...extra, x509 });
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
};
const paths = (x509: unknown, extra?: Record<string, unknown>) =>
  issues(x509, extra).map((i) => i.split(':')[0]);
const td = { name: 'example.org', bundleFile: 'b.json' };

describe('x509 config', () => {
  it('is optional; when given, fills its defaults', () => {
    assert.equal(parseBrokerConfig(base).x509, undefined);
    const x509 = parseBrokerConfig({ ...base, x509: {} }).x509!;
    assert.equal(x509.clockSkewSeconds, 60);
    assert.deepEqual([x509.trustDomains, x509.trustAnchors, x509.profiles], [[], [], []]);
    assert.equal(x509.jwtSvid.algorithms.length, 9);
    assert.deepEqual(
      parseBrokerConfig({ ...base, x509: { trustDomains: [td] } }).x509!.trustDomains[0]!.crlFiles,
      [],
    );
  });

  it('a trust domain has a valid name and exactly one of bundleFile and caFile', () => {
    assert.deepEqual(paths({ trustDomains: [{ name: 'example.org' }] }), ['x509.trustDomains.0']);
    assert.deepEqual(paths({ trustDomains: [{ ...td, caFile: 'c.pem' }] }), [
      'x509.trustDomains.0',
    ]);
    assert.deepEqual(paths({ trustDomains: [{ ...td, name: 'Example.org' }] }), [
      'x509.trustDomains.0.name',
    ]);
    assert.deepEqual(paths({ trustDomains: [{ ...td, name: 'spiffe://example.org' }] }), [
      'x509.trustDomains.0.name',
    ]);
    assert.deepEqual(paths({ trustDomains: [td, td] }), ['x509.trustDomains.1.name']);
    assert.deepEqual(paths({ trustDomains: [{ ...td, bundle: 'x' }] }), [
      'x509.trustDomains.0.bundle',
    ]);
  });

  it('trust anchors have unique names and a CA file', () => {
    const a = { name: 'corp', caFile: 'ca.pem' };
    assert.deepEqual(paths({ trustAnchors: [a, a] }), ['x509.trustAnchors.1.name']);
    assert.deepEqual(paths({ trustAnchors: [{ name: 'corp' }] }), ['x509.trustAnchors.0.caFile']);
    assert.deepEqual(paths({ trustAnchors: [{ ...a, name: 'has space' }] }), [
      'x509.trustAnchors.0.name',
    ]);
  });

  it('profiles: one source each, that exists, one profile per source, a role ARN', () => {
    const p = { name: 'w', trustDomain: 'example.org', roleArn: ROLE };
    const ok = { trustDomains: [td], trustAnchors: [{ name: 'corp', caFile: 'ca.pem' }] };
    assert.deepEqual(paths({ ...ok, profiles: [p] }), []);
    assert.deepEqual(paths({ ...ok, profiles: [{ ...p, trustAnchor: 'corp' }] }), [
      'x509.profiles.0',
    ]);
    assert.deepEqual(paths({ ...ok, profiles: [{ name: 'w', roleArn: ROLE }] }), [
      'x509.profiles.0',
    ]);
    assert.deepEqual(paths({ ...ok, profiles: [{ ...p, trustDomain: 'other.org' }] }), [
      'x509.profiles.0.trustDomain',
    ]);
    assert.deepEqual(
      paths({ ...ok, profiles: [{ name: 'c', trustAnchor: 'nope', roleArn: ROLE }] }),
      ['x509.profiles.0.trustAnchor'],
    );
    assert.deepEqual(paths({ ...ok, profiles: [p, { ...p, name: 'x' }] }), ['x509.profiles.1']);
    assert.deepEqual(paths({ ...ok, profiles: [p, p] }), [
      'x509.profiles.1.name',
      'x509.profiles.1',
    ]);
    for (const roleArn of [
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::1111:role/x',
      'arn:aws:sts::111122223333:assumed-role/x/y',
      'arn:aws:iam::111122223333:role/',
      'arn:aws-moon:iam::111122223333:role/x',
    ]) {
      const got = paths({ ...ok, profiles: [{ ...p, roleArn }] });
      assert.ok(got.length > 0, roleArn);
    }
    assert.deepEqual(
      paths({ ...ok, profiles: [{ ...p, roleArn: 'arn:aws-cn:iam::111122223333:role/team/app' }] }),
      [],
    );
  });

  it('a profile ttl may only shorten tokens.ttlSeconds', () => {
    const x509 = {
      trustDomains: [td],
      profiles: [{ name: 'w', trustDomain: 'example.org', roleArn: ROLE, ttlSeconds: 1000 }],
    };
    assert.deepEqual(paths(x509), ['x509.profiles.0.ttlSeconds']);
    assert.deepEqual(paths(x509, { tokens: { ttlSeconds: 3600 } }), []);
  });

  it('clock skew is bounded, JWT-SVID algorithms are from the list', () => {
    assert.deepEqual(paths({ clockSkewSeconds: 301 }), ['x509.clockSkewSeconds']);
    assert.deepEqual(paths({ jwtSvid: { algorithms: ['HS256'] } }), ['x509.jwtSvid.algorithms.0']);
    assert.deepEqual(paths({ jwtSvid: { algorithms: [] } }), ['x509.jwtSvid.algorithms']);
  });

  it('file paths are relative to the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-x509-config-'));
    try {
      const file = join(dir, 'broker.yaml');
      writeFileSync(
        file,
        [
          'issuer: https://broker.example',
          'loginPolicy: p.json',
          'x509:',
          '  trustDomains:',
          '    - { name: example.org, bundleFile: b/example.json, crlFiles: [crl/a.crl] }',
          '    - { name: b.test, caFile: /abs/ca.pem }',
          '  trustAnchors: [{ name: corp, caFile: corp.pem }]',
        ].join('\n'),
      );
      const x509 = loadBrokerConfigFile(file).x509!;
      assert.equal(x509.trustDomains[0]!.bundleFile, join(dir, 'b/example.json'));
      assert.deepEqual(x509.trustDomains[0]!.crlFiles, [join(dir, 'crl/a.crl')]);
      assert.equal(x509.trustDomains[1]!.caFile, '/abs/ca.pem');
      assert.equal(x509.trustAnchors[0]!.caFile, join(dir, 'corp.pem'));
      assert.ok(Object.isFrozen(x509.trustDomains[0]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
