// `rolegate broker --config FILE`: runs the token broker until SIGINT/SIGTERM, then drains.
// SIGHUP is not a stop: the broker re-reads its key ring and trust files on it.
import { createBroker, loadBrokerConfigFile } from '@rolegate/broker';
import closeWithGrace from 'close-with-grace';
import type { Command } from 'commander';

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the token broker')
    .requiredOption('--config <file>', 'YAML configuration (see docs/broker.md)')
    .option('--port <n>', 'override listen.port', (v) => Number.parseInt(v, 10))
    .action(async (flags: { config: string; port?: number }) => {
      const config = loadBrokerConfigFile(flags.config);
      const broker = await createBroker(config);
      const address = await broker.listen(flags.port);
      broker.logger.info({ address, issuer: config.issuer }, 'broker listening');
      // close-with-grace stops on SIGHUP by default; the key ring and trust store reload on it.
      closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ err }) => {
        if (err) broker.logger.error({ err }, 'shutting down after an error');
        await broker.close();
      });
    });
}
