// The Lattice resource trap: a resource names the service ARN followed by the full request path,
// so for a service mounted at /billing a Deny on `…/service/billing/admin*` never matches. The
// gateway says so at start; it stays quiet for patterns that can match, and for other services.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unreachableResources } from '../src/ops/unreachable-resources.ts';
import { startGateway } from './support/gateway.ts';

const ARN = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123';
const policy = (...resources: string[]) => ({
  Version: '2012-10-17',
  Statement: resources.map((Resource) => ({
    Effect: 'Deny',
    Principal: '*',
    Action: 'vpc-lattice-svcs:Invoke',
    Resource,
  })),
});

describe('resources that can never match a service', () => {
  for (const [resource, prefix, unreachable] of [
    [`${ARN}/admin*`, '/billing', true],
    [`${ARN}/admin/*`, '/billing/', true],
    [`${ARN}/billingx`, '/billing', true],
    [`${ARN}/billing/admin*`, '/billing', false],
    [`${ARN}/billing`, '/billing', false],
    [`${ARN}/billing*`, '/billing', false],
    [`${ARN}/*/admin`, '/billing', false],
    [`${ARN}/b?lling/x`, '/billing', false],
    [`${ARN}*`, '/billing', false],
    [`${ARN}/admin*`, '/', false],
    ['*', '/billing', false],
    ['arn:aws:vpc-lattice:*:*:service/*/admin*', '/billing', false],
    ['arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123x/admin', '/billing', false],
    ['arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-9999/admin', '/billing', false],
  ] as const) {
    it(`${resource} under ${prefix}: ${unreachable ? 'never matches' : 'fine'}`, () => {
      assert.deepEqual(
        unreachableResources(policy(resource), ARN, prefix),
        unreachable ? [resource] : [],
      );
    });
  }

  it('reads one statement or a list, one resource or a list, and ignores what is not a policy', () => {
    const doc = { Statement: { Resource: [`${ARN}/admin`, `${ARN}/billing/x`] } };
    assert.deepEqual(unreachableResources(doc, ARN, '/billing'), [`${ARN}/admin`]);
    assert.deepEqual(unreachableResources(null, ARN, '/billing'), []);
    assert.deepEqual(unreachableResources({ Statement: [1, null] }, ARN, '/billing'), []);
  });

  it('is a warning at start, naming the service and the resource', async () => {
    const gw = await startGateway({
      services: [
        {
          name: 'billing',
          serviceArn: ARN,
          listener: { pathPrefix: '/billing' },
          upstreams: ['http://127.0.0.1:9'],
          policy: policy(`${ARN}/admin*`, `${ARN}/billing/ok`),
        },
      ],
    });
    try {
      const warnings = gw
        .logs()
        .filter((l) => l.level === 40 && l.service === 'billing' && 'resource' in l);
      assert.deepEqual(
        warnings.map((l) => l.resource),
        [`${ARN}/admin*`],
      );
      assert.match(String(warnings[0]?.msg), /full request path/);
    } finally {
      await gw.close();
    }
  });
});
