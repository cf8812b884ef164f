// The machine-readable description of a running `rolegate dev`, written to <state-dir>/dev.json so
// scripts, tests and later tools (gateway, demo) can find what dev started.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StsIdentity } from '@rolegate/testkit';
import type { DevGatewayDescription } from './dev-gateway.ts';
import type { DevRolesAnywhere } from './dev-roles-anywhere.ts';
import type { DevX509 } from './dev-x509.ts';

export const DEFAULT_DEV_STATE_DIR = '.rolegate/dev';

export interface DevDescription {
  broker: {
    url: string;
    issuer: string;
    loginAudience: string;
    jwksUrl: string;
    /** /healthz, /readyz and /metrics (absent in a dev.json written before the admin listener). */
    adminUrl?: string | undefined;
  };
  sts: { url: string; caFile: string };
  identities: StsIdentity[];
  x509: DevX509;
  rolesAnywhere: DevRolesAnywhere;
  gateway: DevGatewayDescription;
}

export function devJsonPath(stateDir: string): string {
  return join(stateDir, 'dev.json');
}

/** Reads dev.json, or returns undefined when dev has never run in that folder. */
export function readDevDescription(stateDir: string): DevDescription | undefined {
  try {
    return JSON.parse(readFileSync(devJsonPath(stateDir), 'utf8')) as DevDescription;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
