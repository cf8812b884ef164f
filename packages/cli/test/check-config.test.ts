// `rolegate broker --check-config` and `rolegate gateway --check-config`, run as the CLI: a good
// config prints `config OK: <file>` and exits 0 without listening or writing keys; a bad one exits
// 1 with every problem, by option path; references are resolved from the CLI's environment.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${env:…}` is the syntax under test.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanEnv, runCli } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-check-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const loginPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: '111122223333' },
      Action: 'rolegate:IssueToken',
      Resource: '*',
    },
  ],
});
writeFileSync(join(dir, 'login.json'), loginPolicy);
writeFileSync(
  join(dir, 'broken.json'),
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}',
);
writeFileSync(join(dir, 'not-a-cert.pem'), 'not a certificate\n');
writeFileSync(join(dir, 'redis-password'), 'pw-from-file\n');

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('rolegate broker --check-config', () => {
  it('prints config OK for a good config, resolving references, and writes no key', async () => {
    const file = write(
      'broker-good.yaml',
      `issuer: \${env:BROKER_ISSUER}\nloginPolicy: login.json\nstateDir: state\nreplay:\n  redis:\n    url: "rediss://:\${file:${join(dir, 'redis-password')}}@cache.example:6380"\n`,
    );
    const res = await runCli(['broker', '--config', file, '--check-config'], {
      env: cleanEnv({ BROKER_ISSUER: 'https://broker.example' }),
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `config OK: ${file}\n`);
    assert.equal(existsSync(join(dir, 'state')), false, 'no key ring made');
  });

  it('exits 1 naming an unset variable, never a value', async () => {
    const file = write(
      'broker-env.yaml',
      'issuer: ${env:BROKER_ISSUER}\nloginPolicy: login.json\n',
    );
    const res = await runCli(['broker', '--config', file, '--check-config']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /config\.invalid/);
    assert.match(res.stderr, /issuer: \$\{env:BROKER_ISSUER\} is not set/);
  });

  it('exits 1 with every start-up problem: policy, TLS files, CA, stray STS override', async () => {
    const file = write(
      'broker-bad.yaml',
      [
        'issuer: https://broker.example',
        'loginPolicy: broken.json',
        'listen:',
        '  tls: { certFile: missing-cert.pem, keyFile: missing-key.pem }',
        'sts:',
        '  caFile: not-a-cert.pem',
        '  endpointOverrides:',
        '    sts.eu-wst-1.amazonaws.com: https://vpce.example',
        '',
      ].join('\n'),
    );
    const res = await runCli(['broker', '--config', file, '--check-config']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /config\.invalid/);
    for (const option of [
      'loginPolicy',
      'listen.tls',
      'sts.caFile',
      'sts.endpointOverrides.sts.eu-wst-1.amazonaws.com',
    ]) {
      assert.match(res.stderr, new RegExp(`  - ${option.replaceAll('.', '\\.')}: `), option);
    }
    assert.doesNotMatch(res.stdout, /config OK/);
  });

  it('suggests the option meant for a typo', async () => {
    const file = write(
      'broker-typo.yaml',
      'issuer: https://broker.example\nloginPolicy: login.json\nlogleve: debug\n',
    );
    const res = await runCli(['broker', '--config', file, '--check-config']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /logleve: unknown option \(did you mean logLevel\?\)/);
  });
});

describe('rolegate gateway --check-config', () => {
  const service = (policy: string) =>
    `services:\n  - name: billing\n    listener: { hosts: [billing.example] }\n    upstreams: ["\${env:UPSTREAM}"]\n    audiences: [billing]\n    policy: ${policy}\n`;
  const jwt = 'jwt: { issuer: https://broker.example }\n';

  it('prints config OK for a good config', async () => {
    writeFileSync(
      join(dir, 'billing.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'vpc-lattice-svcs:Invoke', Resource: '*' },
        ],
      }),
    );
    const file = write(
      'gateway-good.yaml',
      `listeners: [{ port: 0 }]\n${jwt}${service('billing.json')}`,
    );
    const res = await runCli(['gateway', '--config', file, '--check-config'], {
      env: cleanEnv({ UPSTREAM: 'http://127.0.0.1:9' }),
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, `config OK: ${file}\n`);
  });

  it('exits 1 for a policy file that does not compile', async () => {
    const file = write('gateway-bad.yaml', `${jwt}${service('broken.json')}`);
    const res = await runCli(['gateway', '--config', file, '--check-config'], {
      env: cleanEnv({ UPSTREAM: 'http://127.0.0.1:9' }),
    });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /config\.invalid/);
    assert.match(res.stderr, /services\.0\.policy .*statement\.effect/);
    assert.doesNotMatch(res.stdout, /config OK/);
  });

  it('exits 1 for an unset variable, then for a typo', async () => {
    const file = write('gateway-env.yaml', `${jwt}${service('billing.json')}loglevel: info\n`);
    const res = await runCli(['gateway', '--config', file, '--check-config']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /services\.0\.upstreams\.0: \$\{env:UPSTREAM\} is not set/);
    const typo = await runCli(['gateway', '--config', file, '--check-config'], {
      env: cleanEnv({ UPSTREAM: 'http://127.0.0.1:9' }),
    });
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /loglevel: unknown option \(did you mean logLevel\?\)/);
  });
});
