// What `rolegate dev` runs (its flags: ../commands/dev.ts): starts everything, prints the how-to,
// and stops it all on SIGINT/SIGTERM. Ports that are taken are most often another `rolegate dev`.
import { relative } from 'node:path';
import closeWithGrace from 'close-with-grace';
import type { DevFlags } from '../commands/dev.ts';
import { DEFAULT_DEV_STATE_DIR, devJsonPath } from '../dev/dev-state.ts';
import { type RunningDev, startDev } from '../dev/start-dev.ts';
import { listenFailure } from '../lib/listen-failure.ts';

export async function runDev(flags: DevFlags): Promise<void> {
  let dev: RunningDev;
  try {
    dev = await startDev({
      stateDir: flags.stateDir,
      port: flags.port,
      logLevel: flags.logLevel,
    });
  } catch (error) {
    throw listenFailure(
      error,
      'rolegate dev',
      'another `rolegate dev` may be running: stop it, or pass --port 0 to use any free ports',
    );
  }
  process.stdout.write(banner(dev, flags.stateDir));
  closeWithGrace({ delay: 5_000 }, async () => {
    await dev.close();
  });
}

function banner(dev: RunningDev, stateDir: string): string {
  const { broker, sts, identities, gateway, x509, rolesAnywhere } = dev.description;
  const ordersSvid = x509.workloads.find((w) => w.name === 'orders');
  const stateFlag = stateDir === DEFAULT_DEV_STATE_DIR ? '' : ` --state-dir ${stateDir}`;
  const orders = identities.find((i) => i.name === 'orders')!;
  return `
rolegate dev is running (dev mode: emulated STS, any authenticated principal may log in)

  broker   ${broker.url}   issuer ${broker.issuer}
  JWKS     ${broker.jwksUrl}
  admin    ${broker.adminUrl ?? ''}   (the broker's /healthz, /readyz, /metrics)
  STS      ${sts.url}   (emulator; answers for every AWS STS host name, CA in ${relative(process.cwd(), sts.caFile)})
  gateway  ${gateway.url}   billing → ${gateway.services['billing']}, rates → ${gateway.services['rates']}
           audience ${gateway.audience}; orders may call billing and rates, reviews only rates
           ${gateway.mtls?.url ?? ''}   the same over HTTPS, SVIDs as client certificates (CA ${gateway.mtls ? relative(process.cwd(), gateway.mtls.ca) : ''})
           forward auth ${gateway.forwardAuth?.url ?? ''}   for your own proxy (nginx auth_request; docs/forward-auth.md); backends ${Object.entries(
             gateway.backends ?? {},
           )
             .map(([name, url]) => `${name} ${url}`)
             .join(', ')}
  Roles Anywhere ${rolesAnywhere.endpoint}   (emulator; trusts the dev CA, roles ${Object.keys(rolesAnywhere.roles).join(', ')})
  state    ${devJsonPath(stateDir)}

identities: ${identities.map((i) => `${i.name} (${i.arn})`).join(', ')}
SPIFFE:     ${x509.workloads.map((w) => `${w.name} (${w.spiffeId})`).join(', ')}, trust domain ${x509.trustDomain}
Workload API (as a SPIRE agent serves each workload):
${x509.workloads.map((w) => `  ${w.name.padEnd(8)} SPIFFE_ENDPOINT_SOCKET=${w.workloadApi ?? '(none)'}`).join('\n')}

Try it, in another terminal:
  npx rolegate token --dev-identity orders --audience https://billing.example${stateFlag}
  npx rolegate demo${stateFlag}
  curl -H "Authorization: Bearer $(npx rolegate token --dev-workload orders --audience ${gateway.audience}${stateFlag})" \\
       ${gateway.services['billing']}/invoices
  SPIFFE_ENDPOINT_SOCKET=${x509.workloads[0]?.workloadApi ?? ''} npx rolegate token --workload-api --audience ${gateway.audience}${stateFlag}

AWS credentials from an SVID through Roles Anywhere (credential_process, as AWS's helper):
  npx rolegate credential-process --certificate ${ordersSvid ? relative(process.cwd(), ordersSvid.cert) : ''} --private-key ${ordersSvid ? relative(process.cwd(), ordersSvid.key) : ''} \\
       --trust-anchor-arn ${rolesAnywhere.trustAnchorArn} \\
       --profile-arn ${rolesAnywhere.profileArn} \\
       --role-arn ${rolesAnywhere.roles['orders'] ?? ''} --endpoint ${rolesAnywhere.endpoint}

or with AWS-style credentials, as with a real account:
  export AWS_ACCESS_KEY_ID=${orders.accessKeyId} AWS_SECRET_ACCESS_KEY=${orders.secretAccessKey} \\
         AWS_SESSION_TOKEN=${orders.sessionToken ?? ''} AWS_REGION=us-east-1
  npx rolegate token --broker ${broker.url} --audience https://billing.example

Press Ctrl-C to stop.
`;
}
