// One config loader for every schema: each file-path option is declared beside its schema, and a
// config loaded from a file gets every one of them relative to the file. The broker's and the
// gateway's loaders once drifted (listen.tls.*, replay.redis.caFile, the gateway's x509 trust
// files stayed relative to the working directory); these tests load a config that sets every
// path-like option and find none left relative.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadBrokerConfigFile } from '@rolegate/broker';
import { ConfigError } from '@rolegate/core';
import { loadGatewayConfigFile } from '@rolegate/gateway';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every string under a key that names a file or folder, with its dotted path. */
function pathValues(value: unknown, at = ''): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => pathValues(v, `${at}.${i}`));
  if (value === null || typeof value !== 'object') return [];
  const out: [string, string][] = [];
  for (const [key, v] of Object.entries(value)) {
    const here = at === '' ? key : `${at}.${key}`;
    const pathy = /(File|Files|Dir)$|^(loginPolicy|policy)$/.test(key);
    if (pathy && typeof v === 'string') out.push([here, v]);
    else if (pathy && Array.isArray(v))
      for (const [i, s] of v.entries()) out.push([`${here}.${i}`, String(s)]);
    else out.push(...pathValues(v, here));
  }
  return out;
}

const trust = {
  trustDomains: [
    { name: 'example.org', bundleFile: 'trust/bundle.json', crlFiles: ['trust/a.crl'] },
    { name: 'other.org', caFile: 'trust/other.pem', crlFiles: ['trust/b.crl'] },
  ],
  trustAnchors: [{ name: 'corp', caFile: 'trust/corp.pem', crlFiles: ['trust/c.crl'] }],
  profiles: [
    { name: 'p', trustDomain: 'example.org', roleArn: 'arn:aws:iam::111122223333:role/r' },
  ],
};

describe('file paths in configs', () => {
  it('the broker: every file option is relative to the config file', () => {
    const file = join(dir, 'broker.yaml');
    writeFileSync(
      file,
      stringify({
        issuer: 'https://broker.example',
        stateDir: 'state',
        loginPolicy: 'login.json',
        listen: { tls: { certFile: 'tls/cert.pem', keyFile: 'tls/key.pem' } },
        sts: { caFile: 'sts-ca.pem' },
        replay: { redis: { url: 'rediss://cache.example:6380', caFile: 'redis-ca.pem' } },
        x509: trust,
      }),
    );
    const values = pathValues(loadBrokerConfigFile(file));
    assert.equal(values.length, 12, JSON.stringify(values));
    for (const [at, value] of values) {
      assert.ok(isAbsolute(value) && value.startsWith(dir), `${at}: ${value}`);
    }
  });

  it('the gateway: every file option is relative to the config file', () => {
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      stringify({
        listeners: [{ port: 8443, tls: { certFile: 'tls/cert.pem', keyFile: 'tls/key.pem' } }],
        jwt: { issuer: 'https://broker.example', jwksFile: 'jwks.json' },
        sts: { caFile: 'sts-ca.pem' },
        x509: trust,
        serviceNetwork: { policy: 'network.json' },
        services: [
          {
            name: 'billing',
            upstreams: ['https://10.0.0.1'],
            policy: 'billing.json',
            upstream: { caFile: 'upstream-ca.pem' },
          },
        ],
      }),
    );
    const values = pathValues(loadGatewayConfigFile(file));
    assert.equal(values.length, 13, JSON.stringify(values));
    for (const [at, value] of values) {
      assert.ok(isAbsolute(value) && value.startsWith(dir), `${at}: ${value}`);
    }
  });

  it('rebases declared fields only, leaves inline documents, and reports every schema issue', () => {
    const schema = {
      safeParse: (input: unknown) => ({
        success: true as const,
        data: input as Record<string, unknown>,
      }),
    };
    const config = parseConfig(
      schema,
      {
        a: { file: 'x.pem', other: 'y.pem' },
        list: [{ f: 'z' }],
        policy: { Version: '2012-10-17' },
      },
      { baseDir: '/etc/rolegate', filePaths: ['a.file', 'list.*.f', 'policy'] },
    );
    assert.deepEqual(config, {
      a: { file: '/etc/rolegate/x.pem', other: 'y.pem' },
      list: [{ f: '/etc/rolegate/z' }],
      policy: { Version: '2012-10-17' },
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.a));
    const failing = {
      safeParse: () => ({
        success: false as const,
        error: {
          issues: [
            { path: ['a', 0], message: 'bad' },
            { path: [], message: 'worse' },
          ],
        },
      }),
    };
    assert.throws(
      () => parseConfig(failing, {}, { source: 'x.yaml' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.code === 'config.invalid' &&
        e.issues.join('|') === 'a.0: bad|(root): worse',
    );
  });
});
