// The IAM Roles Anywhere side of `rolegate dev`: an emulator that trusts the dev CA (one trust
// anchor), one profile, and the roles `orders` and `reviews`, whose trust policies admit only the
// workload's own SPIFFE ID — what a real account would configure for the Lattice + SPIFFE
// walkthrough. Its sessions are role sessions the dev STS emulator knows, so a workload's SVID
// becomes AWS credentials (`rolegate credential-process`), then a proof, then a broker token.
import { readFileSync } from 'node:fs';
import {
  DEFAULT_DEV_ACCOUNT,
  type RolesAnywhereEmulator,
  type StsEmulator,
  startRolesAnywhereEmulator,
} from '@rolegate/testkit';
import { DEV_TRUST_DOMAIN, DEV_WORKLOADS, type DevX509 } from './dev-x509.ts';

export const DEV_ROLES_ANYWHERE_REGION = 'us-east-1';
const TRUST_ANCHOR = 'dev-ca';
const PROFILE = 'dev-workloads';

/** `dev.json`'s `rolesAnywhere` section: everything `credential-process` needs besides the files. */
export interface DevRolesAnywhere {
  readonly endpoint: string;
  readonly region: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roles: Readonly<Record<string, string>>;
}

/** The trust policy of a dev role: Roles Anywhere may assume it for this one SPIFFE ID only. */
export function devRoleTrustPolicy(workload: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'rolesanywhere.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        Condition: {
          StringEquals: {
            'aws:PrincipalTag/x509SAN/URI': `spiffe://${DEV_TRUST_DOMAIN}/service/${workload}`,
          },
        },
      },
    ],
  };
}

export async function startDevRolesAnywhere(options: {
  readonly sts: StsEmulator;
  readonly x509: DevX509;
  readonly port: number;
}): Promise<{ readonly description: DevRolesAnywhere; readonly emulator: RolesAnywhereEmulator }> {
  const roleArn = (name: string) => `arn:aws:iam::${DEFAULT_DEV_ACCOUNT}:role/${name}`;
  const emulator = await startRolesAnywhereEmulator({
    sts: options.sts,
    account: DEFAULT_DEV_ACCOUNT,
    region: DEV_ROLES_ANYWHERE_REGION,
    port: options.port,
    trustAnchors: [
      { name: TRUST_ANCHOR, certificatePem: readFileSync(options.x509.ca.cert, 'utf8') },
    ],
    profiles: [{ name: PROFILE, roleArns: DEV_WORKLOADS.map(roleArn) }],
    roles: DEV_WORKLOADS.map((name) => ({ name, trustPolicy: devRoleTrustPolicy(name) })),
  });
  const roles = Object.fromEntries(DEV_WORKLOADS.map((name) => [name, emulator.roleArn(name)]));
  return {
    emulator,
    description: {
      endpoint: emulator.url,
      region: emulator.region,
      trustAnchorArn: emulator.trustAnchorArn(TRUST_ANCHOR),
      profileArn: emulator.profileArn(PROFILE),
      roles,
    },
  };
}
