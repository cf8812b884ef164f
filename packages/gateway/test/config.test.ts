// Configuration: defaults filled in one place, every mistake named by its option path, relative
// paths resolved against the config file, and policies compiled (or refused) at start.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createGateway,
  createGatewayLogger,
  GATEWAY_DEFAULTS,
  GatewayConfigError,
  loadGatewayConfigFile,
  parseGatewayConfig,
} from '../src/index.ts';

const minimal = { services: [{ name: 'billing', upstreams: ['http://127.0.0.1:9000'] }] };

function issuesOf(input: unknown): readonly string[] {
  try {
    parseGatewayConfig(input);
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError);
    assert.equal(error.code, 'config.invalid');
    return error.issues;
  }
  assert.fail('expected the config to be refused');
}

describe('gateway config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills every default and freezes the result', () => {
    const config = parseGatewayConfig(minimal);
    assert.deepEqual(config.listeners, [GATEWAY_DEFAULTS.listen]);
    assert.deepEqual(config.admin, GATEWAY_DEFAULTS.admin);
    assert.equal(config.limits.headersTimeoutMs, GATEWAY_DEFAULTS.headersTimeoutMs);
    const service = config.services[0]!;
    assert.equal(service.serviceArn, 'arn:rolegate:lattice:::service/billing');
    assert.deepEqual(service.audiences, ['arn:rolegate:lattice:::service/billing']);
    assert.equal(service.authType, 'AWS_IAM');
    assert.equal(service.listener.pathPrefix, '/');
    assert.equal(service.upstream.connectTimeoutMs, 2_000);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(service.upstream));
  });

  it('names each mistake by its option path', () => {
    const issues = issuesOf({
      listeners: [{ port: 70_000 }],
      limits: { headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 },
      services: [
        { name: 'Billing', upstreams: ['http://127.0.0.1:9000/base'] },
        { name: 'a', upstreams: ['ftp://x'], listener: { pathPrefix: '/a/../b' } },
        { name: 'b', upstreams: ['http://x'], authType: 'NONE', policy: 'p.json' },
        { name: 'b', upstreams: ['http://x'], unknown: true },
      ],
    });
    const paths = issues.map((i) => i.split(':')[0]);
    for (const expected of [
      'listeners.0.port',
      'limits.headersTimeoutMs',
      'services.0.name',
      'services.0.upstreams.0',
      'services.1.upstreams.0',
      'services.1.listener.pathPrefix',
      'services.2.policy',
      'services.3.unknown',
    ]) {
      assert.ok(paths.includes(expected), `${expected} in ${JSON.stringify(issues, null, 1)}`);
    }
  });

  it('refuses two services with one name or one match', () => {
    const issues = issuesOf({
      services: [
        { name: 'a', upstreams: ['http://x'], listener: { hosts: ['a.example'] } },
        { name: 'a', upstreams: ['http://x'], listener: { hosts: ['b.example'] } },
        { name: 'c', upstreams: ['http://x'], listener: { hosts: ['a.example'] } },
      ],
    });
    assert.ok(issues.some((i) => i.startsWith('services.1.name: duplicate name')));
    assert.ok(issues.some((i) => i.startsWith('services.2.listener: another service')));
  });

  it('refuses plain-http STS overrides unless allowed out loud', () => {
    const issues = issuesOf({
      ...minimal,
      sts: { endpointOverrides: { '*': 'http://127.0.0.1:1' } },
    });
    assert.ok(issues.some((i) => i.startsWith('sts.endpointOverrides.*')));
    parseGatewayConfig({
      ...minimal,
      sts: { endpointOverrides: { '*': 'http://127.0.0.1:1' }, allowInsecureEndpoints: true },
    });
  });

  it('reads YAML, refuses duplicate keys, and resolves paths against the file', () => {
    const file = join(dir, 'gw.yaml');
    writeFileSync(
      file,
      'services:\n  - name: billing\n    upstreams: [http://127.0.0.1:9000]\n    policy: policies/billing.json\n',
    );
    assert.equal(
      loadGatewayConfigFile(file).services[0]!.policy,
      join(dir, 'policies/billing.json'),
    );
    writeFileSync(file, 'logLevel: info\nlogLevel: debug\nservices: []\n');
    assert.throws(() => loadGatewayConfigFile(file), GatewayConfigError);
  });

  it('refuses to start with a policy that does not compile, listing each issue with its JSON path', async () => {
    const config = parseGatewayConfig({
      serviceNetwork: { policy: { Version: '2012-10-17', Statement: [] } },
      services: [
        {
          name: 'billing',
          upstreams: ['http://127.0.0.1:9000'],
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::1:role/x*' },
                Action: 'x:y',
                Resource: '*',
              },
            ],
          },
        },
        {
          name: 'rates',
          listener: { pathPrefix: '/rates' },
          upstreams: ['http://127.0.0.1:9000'],
          policy: join(dir, 'missing.json'),
        },
      ],
    });
    await assert.rejects(
      createGateway(config, { logger: createGatewayLogger('silent') }),
      (error) => {
        assert.ok(error instanceof GatewayConfigError);
        const text = error.issues.join('\n');
        assert.match(text, /serviceNetwork\.policy .*statement\.empty/);
        assert.match(
          text,
          /services\.0\.policy .*\$\.Statement\[0\]\.Principal\.AWS.*principal\.partial_wildcard/,
        );
        assert.match(text, /services\.1\.policy: cannot read/);
        return true;
      },
    );
  });
});
