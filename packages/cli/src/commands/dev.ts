// `rolegate dev`: everything on loopback with embedded defaults — the STS emulator and a broker in
// dev mode — plus a description in <state-dir>/dev.json and a how-to on the terminal. The
// emulators and servers are loaded only when the command runs: ../actions/dev.ts.
import type { Command } from 'commander';
import { DEFAULT_DEV_STATE_DIR } from '../dev/dev-state.ts';

export interface DevFlags {
  readonly stateDir: string;
  readonly port: number;
  readonly logLevel: string;
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
      'first port (broker; then STS emulator, gateway, gateway admin, gateway HTTPS, Roles Anywhere emulator, broker admin); 0 = any free ports',
      toPort,
      8700,
    )
    .option('--log-level <level>', 'broker log level', 'warn')
    .action(async (flags: DevFlags) => {
      const { runDev } = await import('../actions/dev.ts');
      await runDev(flags);
    });
}

function toPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65529) throw new Error(`not a port: ${value}`);
  return port;
}
