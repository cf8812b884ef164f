// The services most tests use: `billing` (AWS_IAM, a Lattice policy with a public path, a role
// grant conditioned on a tag, and a Deny), `open` (NONE: pass-through), `locked` (AWS_IAM without
// a policy: denies everything), all in front of one recording backend.
import type { GatewayConfigInput } from '../../src/index.ts';

export const BILLING_ARN = 'arn:rolegate:lattice:::service/billing';
export const BILLING_AUDIENCE = 'https://billing.example';

export const billingPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Public',
      Effect: 'Allow',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/public/*`,
    },
    {
      Sid: 'Orders',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/*`,
      Condition: { StringEquals: { 'aws:PrincipalTag/team': 'payments' } },
    },
    {
      Sid: 'NoAdmin',
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: `${BILLING_ARN}/admin/*`,
    },
  ],
};

export function servicesFor(backendUrl: string): GatewayConfigInput['services'] {
  return [
    {
      name: 'billing',
      listener: { hosts: ['billing.example'] },
      upstreams: [backendUrl],
      audiences: [BILLING_AUDIENCE],
      policy: billingPolicy,
      upstream: { headersTimeoutMs: 500, connectTimeoutMs: 500 },
    },
    {
      name: 'open',
      listener: { hosts: ['open.example'] },
      upstreams: [backendUrl],
      authType: 'NONE',
    },
    {
      name: 'locked',
      listener: { hosts: ['locked.example'] },
      upstreams: [backendUrl],
    },
  ];
}
