// `rolegate dev`: everything on loopback with embedded defaults — the STS emulator and a broker in
// dev mode — plus a description in <state-dir>/dev.json and a how-to on the terminal.
import { relative } from 'node:path';
import closeWithGrace from 'close-with-grace';
import type { Command } from 'commander';
import { DEFAULT_DEV_STATE_DIR, devJsonPath } from '../dev/dev-state.ts';
import { type RunningDev, startDev } from '../dev/start-dev.ts';

interface DevFlags {
  stateDir: string;
  port: number;
  logLevel: string;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'run the STS emulator, a broker and the gateway with two demo services on loopback, with generated state',
    )
    .option('--state-dir <dir>', 'where keys, identities and dev.json live', DEFAULT_DEV_STATE_DIR)
    .option(
      '--port <n>',
      'first port (broker; then STS emulator, gateway, gateway admin, gateway HTTPS); 0 = any free ports',
      toPort,
      8700,
    )
    .option('--log-level <level>', 'broker log level', 'warn')
    .action(async (flags: DevFlags) => {
      const dev = await startDev({
        stateDir: flags.stateDir,
        port: flags.port,
        logLevel: flags.logLevel,
      });
      process.stdout.write(banner(dev, flags.stateDir));
      closeWithGrace({ delay: 5_000 }, async () => {
        await dev.close();
      });
    });
}

function toPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new Error(`not a port: ${value}`);
  return port;
}

function banner(dev: RunningDev, stateDir: string): string {
  const { broker, sts, identities, gateway, x509 } = dev.description;
  const stateFlag = stateDir === DEFAULT_DEV_STATE_DIR ? '' : ` --state-dir ${stateDir}`;
  const orders = identities.find((i) => i.name === 'orders')!;
  return `
rolegate dev is running (dev mode: emulated STS, any authenticated principal may log in)

  broker   ${broker.url}   issuer ${broker.issuer}
  JWKS     ${broker.jwksUrl}
  STS      ${sts.url}   (emulator; answers for every AWS STS host name, CA in ${relative(process.cwd(), sts.caFile)})
  gateway  ${gateway.url}   billing → ${gateway.services['billing']}, rates → ${gateway.services['rates']}
           audience ${gateway.audience}; orders may call billing and rates, reviews only rates
           ${gateway.mtls?.url ?? ''}   the same over HTTPS, SVIDs as client certificates (CA ${gateway.mtls ? relative(process.cwd(), gateway.mtls.ca) : ''})
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

or with AWS-style credentials, as with a real account:
  export AWS_ACCESS_KEY_ID=${orders.accessKeyId} AWS_SECRET_ACCESS_KEY=${orders.secretAccessKey} \\
         AWS_SESSION_TOKEN=${orders.sessionToken ?? ''} AWS_REGION=us-east-1
  npx rolegate token --broker ${broker.url} --audience https://billing.example

Press Ctrl-C to stop.
`;
}
