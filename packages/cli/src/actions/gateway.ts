// What `rolegate gateway` runs (its flags: ../commands/gateway.ts): one gateway process, or the
// primary of a node:cluster whose workers run this same command (see docs/gateway.md, "Workers").
import cluster from 'node:cluster';
import {
  createGateway,
  loadGatewayConfigFile,
  runGatewayPrimary,
  runGatewayWorker,
} from '@rolegate/gateway';
import closeWithGrace from 'close-with-grace';
import type { GatewayFlags } from '../commands/gateway.ts';

export async function runGateway(flags: GatewayFlags): Promise<void> {
  if (cluster.isWorker) {
    await runGatewayWorker(flags.config);
  } else if (flags.workers > 1) {
    await runPrimary(flags.config, flags.workers);
  } else {
    await runSingle(flags.config);
  }
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
