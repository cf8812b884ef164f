// The SPIFFE side of `rolegate dev`: a dev CA for the trust domain `example.org` (its key kept in the
// state folder, so SVIDs a developer issues with it keep working across restarts), the trust
// domain's SPIFFE bundle, and fresh X.509-SVIDs for the demo workloads, written as files the way
// SPIRE's agent writes them. The broker trusts the bundle and maps the domain to one role.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRootAuthority,
  dn,
  generateTestKey,
  startWorkloadApi,
  type TestKey,
  testKeyFromPem,
  type WorkloadApiEmulator,
  type WorkloadIdentity,
  writeSpiffeBundle,
} from '@rolegate/testkit';

export const DEV_TRUST_DOMAIN = 'example.org';
/** The role every dev SVID becomes, as a Roles Anywhere profile would map it. */
export const DEV_SPIFFE_ROLE = 'arn:aws:iam::111122223333:role/spiffe-workload';
export const DEV_WORKLOADS = ['orders', 'reviews'] as const;

export interface DevWorkload {
  readonly name: string;
  readonly spiffeId: string;
  readonly cert: string;
  readonly key: string;
  /** Intermediates between the leaf and the bundle: none here (the dev CA signs SVIDs directly). */
  readonly chain: string;
  /**
   * A SPIFFE Workload API serving this workload's SVID, as a SPIRE agent would to the workload's
   * process: use it as SPIFFE_ENDPOINT_SOCKET (`rolegate token --workload-api ADDRESS`).
   */
  readonly workloadApi?: string;
}

/** `dev.json`'s `x509` section: paths, so any tool can use them. */
export interface DevX509 {
  readonly trustDomain: string;
  readonly bundle: string;
  readonly ca: { readonly cert: string; readonly key: string };
  readonly workloads: readonly DevWorkload[];
}

/**
 * Writes the CA, bundle and SVIDs under `<stateDir>/x509`; returns dev.json's section and the
 * identities the dev Workload APIs serve.
 */
export function prepareDevX509(stateDir: string): {
  readonly x509: DevX509;
  readonly identities: readonly WorkloadIdentity[];
} {
  const dir = join(stateDir, 'x509');
  mkdirSync(join(dir, 'workloads'), { recursive: true, mode: 0o700 });
  const caKeyFile = join(dir, 'ca-key.pem');
  const caKey: TestKey = existsSync(caKeyFile)
    ? testKeyFromPem(readFileSync(caKeyFile, 'utf8'))
    : generateTestKey('ec-p256');
  writeSecret(caKeyFile, caKey.privateKeyPem);
  // Same key and name at every start: SVIDs issued earlier still chain to the new certificate.
  const ca = createRootAuthority({
    key: caKey,
    subject: dn(['O', 'rolegate dev'], ['CN', `rolegate dev CA ${DEV_TRUST_DOMAIN}`]),
    validityDays: 365,
    nameConstraints: { permitted: [{ uri: DEV_TRUST_DOMAIN }] },
  });
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.pem);
  const bundle = join(dir, 'bundle.json');
  writeFileSync(bundle, writeSpiffeBundle({ x509Authorities: [ca] }));

  const identities: WorkloadIdentity[] = [];
  const workloads = DEV_WORKLOADS.map((name): DevWorkload => {
    const spiffeId = `spiffe://${DEV_TRUST_DOMAIN}/service/${name}`;
    const svid = ca.issueSvid(spiffeId, { validityDays: 1 });
    identities.push({ spiffeId, leaf: svid, bundle: [ca.der] });
    const base = join(dir, 'workloads', name);
    writeFileSync(`${base}.pem`, svid.pem);
    writeSecret(`${base}-key.pem`, svid.key.privateKeyPem);
    writeFileSync(`${base}-chain.pem`, '');
    return {
      name,
      spiffeId,
      cert: `${base}.pem`,
      key: `${base}-key.pem`,
      chain: `${base}-chain.pem`,
    };
  });
  return {
    x509: {
      trustDomain: DEV_TRUST_DOMAIN,
      bundle,
      ca: { cert: caFile, key: caKeyFile },
      workloads,
    },
    identities,
  };
}

/** One Workload API per dev workload; dev.json's section with their addresses. */
export async function startDevWorkloadApis(
  prepared: ReturnType<typeof prepareDevX509>,
): Promise<{ readonly x509: DevX509; close(): Promise<void> }> {
  const agents: WorkloadApiEmulator[] = [];
  const close = async () => {
    await Promise.all(agents.map((a) => a.close()));
  };
  try {
    for (const identity of prepared.identities)
      agents.push(await startWorkloadApi({ x509Svids: [identity] }));
  } catch (error) {
    await close();
    throw error;
  }
  const workloads = prepared.x509.workloads.map((w, i) => ({
    ...w,
    workloadApi: agents[i]!.address,
  }));
  return { x509: { ...prepared.x509, workloads }, close };
}

/** The broker's `x509` configuration for the dev trust domain. */
export function devX509BrokerConfig(x509: DevX509) {
  return {
    trustDomains: [{ name: x509.trustDomain, bundleFile: x509.bundle }],
    profiles: [{ name: 'dev-workloads', trustDomain: x509.trustDomain, roleArn: DEV_SPIFFE_ROLE }],
  };
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
}
