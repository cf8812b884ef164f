// `rolegate gateway --config FILE [--workers N|auto]`: runs the Lattice-style gateway until
// SIGINT/SIGTERM, then drains. SIGHUP re-reads the config and every policy file; a config or policy
// that does not load is refused with an error in the log, and the running one keeps serving.
// With more than one worker, this process becomes the primary of a node:cluster and the same
// command, run again by each worker, serves the traffic (see docs/gateway.md, "Workers").
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import {
  createGateway,
  loadGatewayConfigFile,
  runGatewayPrimary,
  runGatewayWorker,
} from '@rolegate/gateway';
import closeWithGrace from 'close-with-grace';
import { type Command, InvalidArgumentError } from 'commander';

/** `auto` is one worker per core; otherwise an integer from 1 to 256. */
export function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism();
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw new InvalidArgumentError('give a number of workers from 1 to 256, or auto');
  }
  return Number(value);
}

async function runSingle(configFile: string): Promise<void> {
  const config = loadGatewayConfigFile(configFile);
  const gateway = await createGateway(config, { configFile });
  await gateway.listen();
  // reload() logs what it did, and never throws: a refused reload keeps the old config.
  const onHangup = () => void gateway.reload();
  process.on('SIGHUP', onHangup);
  // close-with-grace stops on SIGHUP by default; here SIGHUP means reload, never stop.
  closeWithGrace({ delay: 15_000, skip: ['SIGHUP'] }, async ({ err }) => {
    process.off('SIGHUP', onHangup);
    if (err) gateway.logger.error({ err }, 'shutting down after an error');
    await gateway.close();
  });
}

async function runPrimary(configFile: string, workers: number): Promise<void> {
  const primary = await runGatewayPrimary({ configFile, workers });
  const onHangup = () => primary.reload();
  process.on('SIGHUP', onHangup);
  closeWithGrace({ delay: 25_000, skip: ['SIGHUP'] }, async () => {
    process.off('SIGHUP', onHangup);
    await primary.close();
  });
  // Workers that keep dying stop the gateway: exit non-zero so a supervisor notices.
  const { ok } = await primary.stopped;
  if (!ok) process.exit(1);
}

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('run the gateway: auth policies in front of any backend, identity headers')
    .requiredOption('--config <file>', 'YAML configuration (see docs/gateway.md)')
    .option(
      '--workers <n>',
      'gateway processes sharing the listeners: a number or auto',
      parseWorkers,
      1,
    )
    .action(async (flags: { config: string; workers: number }) => {
      if (cluster.isWorker) {
        await runGatewayWorker(flags.config);
      } else if (flags.workers > 1) {
        await runPrimary(flags.config, flags.workers);
      } else {
        await runSingle(flags.config);
      }
    });
}
