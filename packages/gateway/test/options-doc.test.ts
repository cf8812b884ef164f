// docs/gateway.md documents every option: each leaf of a config that sets everything (defaults
// filled in) has a row `| \`path\` |` in the Configuration table, arrays written `[]`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { parseGatewayConfig } from '../src/index.ts';

const doc = readFileSync(new URL('../../../docs/gateway.md', import.meta.url), 'utf8');

/** Option paths of `value`; maps whose keys are data (overrides, org ids) count as one option. */
function paths(value: unknown, prefix: string, out: Set<string>): Set<string> {
  const opaque = ['sts.endpointOverrides', 'sts.regions', 'orgIds'];
  if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
    for (const item of value) paths(item, `${prefix}[]`, out);
  } else if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !opaque.includes(prefix)
  ) {
    if (prefix.endsWith('.policy') || prefix === 'policy') out.add(prefix);
    else
      for (const [key, v] of Object.entries(value))
        paths(v, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.add(prefix);
  }
  return out;
}

it('documents every option in docs/gateway.md', () => {
  const config = parseGatewayConfig({
    listeners: [{ host: '0.0.0.0', port: 8443, tls: { certFile: 'c.pem', keyFile: 'k.pem' } }],
    admin: { host: '127.0.0.1', port: 9901 },
    jwt: { issuer: 'https://broker.example', jwksUri: 'https://broker.example/jwks.json' },
    sts: { regions: { aws: ['us-east-1'] }, caFile: 'ca.pem' },
    replay: {
      maxEntries: 1_000_000,
      perAccountMaxEntries: 100_000,
      redis: { url: 'rediss://replay.example:6380', caFile: 'redis-ca.pem' },
    },
    serviceNetwork: {
      arn: 'arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-1',
      policy: 'n.json',
    },
    orgIds: { '111122223333': 'o-abcdefghij' },
    forwardAuth: {
      listeners: [
        {
          convention: 'envoy',
          pathPrefix: '/ext-authz',
          hostHeader: 'host',
          socket: '/run/a.sock',
        },
      ],
      sharedSecret: { value: 'a-secret-of-sixteen+' },
    },
    services: [
      {
        name: 'billing',
        listener: { hosts: ['billing.example'] },
        upstreams: ['https://10.0.0.1:8443'],
        serviceArn: 'arn:aws:vpc-lattice:us-east-1:111122223333:service/svc-1',
        audiences: ['https://billing.example'],
        policy: 'b.json',
        upstream: { caFile: 'ca.pem' },
      },
    ],
  });
  const options = paths(
    { ...config, jwt: { ...config.jwt, jwksFile: 'jwks.json' } },
    '',
    new Set(),
  );
  const missing = [...options].filter((p) => !doc.includes(`| \`${p}\` |`));
  assert.deepEqual(missing, []);
});
