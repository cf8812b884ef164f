// `rolegate gateway --config FILE [--workers N|auto]`: runs the Lattice-style gateway until
// SIGINT/SIGTERM, then drains. SIGHUP re-reads the config and every policy file; a config or policy
// that does not load is refused with an error in the log, and the running one keeps serving.
// With more than one worker, this process becomes the primary of a node:cluster and the same
// command, run again by each worker, serves the traffic (see docs/gateway.md, "Workers"). The
// gateway is loaded only when the command runs: ../actions/gateway.ts.
import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';

export interface GatewayFlags {
  readonly config: string;
  /** Check the config as a start would (no network, nothing written), then exit. */
  readonly checkConfig?: boolean;
  readonly workers: number;
}

/** `auto` is one worker per core; otherwise an integer from 1 to 256. */
export function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism();
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new InvalidArgumentError('give a number of workers from 1 to 256, or auto');
  }
  return Number(value);
}

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('run the gateway: auth policies in front of any backend, identity headers')
    .requiredOption('--config <file>', 'YAML configuration (see docs/gateway.md)')
    .option('--check-config', 'check the config file and every file it names, then exit')
    .option(
      '--workers <n>',
      'gateway processes sharing the listeners: a number or auto',
      parseWorkers,
      1,
    )
    .action(async (flags: GatewayFlags) => {
      if (flags.checkConfig) {
        const { checkGatewayConfigFile } = await import('../actions/check-config.ts');
        return checkGatewayConfigFile(flags.config);
      }
      const { runGateway } = await import('../actions/gateway.ts');
      await runGateway(flags);
    });
}
