// Configuration: defaults in one place, strict validation with option paths, frozen result.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@rolegate/core';
import { loadBrokerConfigFile, parseBrokerConfig } from '../src/config/load-config.ts';

const base = { issuer: 'https://broker.example', loginPolicy: 'p.json' };
const issuesOf = (input: unknown): string[] => {
  try {
    parseBrokerConfig(input);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.issues];
  }
};

describe('broker config', () => {
  it('fills every default and freezes the result', () => {
    const config = parseBrokerConfig(base);
    assert.equal(config.tokens.algorithm, 'RS256');
    assert.equal(config.tokens.ttlSeconds, 900);
    assert.deepEqual(config.sts.partitions, ['aws']);
    assert.equal(config.sts.fips, false);
    assert.equal(config.principals.allowRoot, false);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.sts));
  });
  it('keys.kms names the first-run KMS keys: region, key ids, optional endpoint; nothing else', () => {
    const kms = { region: 'eu-west-1', active: 'alias/rolegate-a', standby: ['alias/rolegate-b'] };
    assert.deepEqual(parseBrokerConfig({ ...base, keys: { kms } }).keys.kms, kms);
    assert.deepEqual(parseBrokerConfig(base).keys, {});
    const paths = (input: unknown) =>
      issuesOf({ ...base, keys: { kms: input } }).map((i) => i.split(':')[0]);
    assert.deepEqual(paths({ ...kms, region: 'eu-west-1; rm' }), ['keys.kms.region']);
    assert.deepEqual(paths({ ...kms, active: '' }), ['keys.kms.active']);
    assert.deepEqual(paths({ region: 'eu-west-1' }), ['keys.kms.active']);
    assert.deepEqual(paths({ ...kms, endpoint: 'not a url' }), ['keys.kms.endpoint']);
    assert.match(issuesOf({ ...base, keys: { kms, file: 'x.pem' } })[0]!, /keys/);
    assert.match(issuesOf({ ...base, keys: { kms: { ...kms, keyId: 'x' } } })[0]!, /keys\.kms/);
  });
  it('names the path of each problem', () => {
    assert.deepEqual(
      issuesOf({ ...base, tokens: { ttlSeconds: 5 } }).map((i) => i.split(':')[0]),
      ['tokens.ttlSeconds'],
    );
    assert.match(
      issuesOf({ ...base, sts: { partitions: ['aws-moon'] } })[0]!,
      /^sts\.partitions\.0/,
    );
    assert.match(
      issuesOf({ ...base, sts: { regions: { aws: ['evil.example#'] } } })[0]!,
      /^sts\.regions\.aws\.0/,
    );
    assert.match(issuesOf({ ...base, tokenz: {} })[0]!, /tokenz/);
    assert.match(issuesOf({ loginPolicy: 'p' })[0]!, /^issuer/);
  });
  it('outside dev mode: https issuer, a login policy, no insecure STS endpoints', () => {
    assert.ok(
      issuesOf({ issuer: 'http://broker.example', loginPolicy: 'p' }).some((i) =>
        i.startsWith('issuer:'),
      ),
    );
    assert.ok(issuesOf({ issuer: 'https://b.example' }).some((i) => i.startsWith('loginPolicy:')));
    assert.ok(
      issuesOf({ ...base, sts: { endpointOverrides: { '*': 'https://127.0.0.1:4566' } } }).length >
        0,
    );
    assert.deepEqual(
      issuesOf({
        ...base,
        sts: {
          endpointOverrides: {
            'sts.us-east-1.amazonaws.com': 'https://vpce-1.sts.us-east-1.vpce.amazonaws.com',
          },
        },
      }),
      [],
    );
    assert.deepEqual(
      issuesOf({
        ...base,
        sts: { allowInsecureEndpoints: true, endpointOverrides: { '*': 'http://127.0.0.1:4566' } },
      }),
      [],
    );
    assert.deepEqual(issuesOf({ issuer: 'http://127.0.0.1:8700', dev: true }), []);
  });
  it('local STS overrides in any spelling need dev mode or allowInsecureEndpoints', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'localhost.',
      'sts.localhost',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
      '[::]',
    ]) {
      assert.ok(
        issuesOf({ ...base, sts: { endpointOverrides: { '*': `https://${host}:4566` } } }).length >
          0,
        host,
      );
    }
  });
  it('dev mode listens on loopback only', () => {
    assert.ok(
      issuesOf({ issuer: 'http://x', dev: true, listen: { host: '0.0.0.0' } }).some((i) =>
        i.startsWith('listen.host'),
      ),
    );
    assert.deepEqual(issuesOf({ issuer: 'http://x', dev: true, listen: { host: '::1' } }), []);
  });
  it('an override for a host that is not allowed stops the broker', async () => {
    const { startHarness } = await import('./support/harness.ts');
    await assert.rejects(
      startHarness({
        sts: { endpointOverrides: { 'sts.us-east-1.amazonaws.co': 'https://vpce.example' } },
      }),
      (e: Error) =>
        /sts\.endpointOverrides\.sts\.us-east-1\.amazonaws\.co: not an allowed STS host/.test(
          e.message,
        ),
    );
  });
  it('a YAML file: relative paths resolve against the file, duplicate keys are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-config-'));
    const file = join(dir, 'broker.yaml');
    writeFileSync(
      file,
      'issuer: https://broker.example\nloginPolicy: login.json\nstateDir: state\n',
    );
    const config = loadBrokerConfigFile(file);
    assert.equal(config.loginPolicy, join(dir, 'login.json'));
    assert.equal(config.stateDir, join(dir, 'state'));
    writeFileSync(file, 'issuer: https://a.example\nissuer: https://b.example\nloginPolicy: x\n');
    assert.throws(() => loadBrokerConfigFile(file), ConfigError);
    writeFileSync(file, '- just\n- a list\n');
    assert.throws(() => loadBrokerConfigFile(file), /expected a mapping/);
  });
});
