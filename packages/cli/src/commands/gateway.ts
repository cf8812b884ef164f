// `rolegate gateway --config FILE`: runs the Lattice-style gateway until SIGINT/SIGTERM, then
// drains. SIGHUP re-reads the config and every policy file; a config or policy that does not load
// is refused with an error in the log, and the running one keeps serving.
import { createGateway, loadGatewayConfigFile } from '@rolegate/gateway';
import closeWithGrace from 'close-with-grace';
import type { Command } from 'commander';

export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('run the gateway: auth policies in front of any backend, identity headers')
    .requiredOption('--config <file>', 'YAML configuration (see docs/gateway.md)')
    .action(async (flags: { config: string }) => {
      const config = loadGatewayConfigFile(flags.config);
      const gateway = await createGateway(config, { configFile: flags.config });
      await gateway.listen();
      gateway.logger.info(
        { urls: gateway.urls, admin: gateway.adminUrl, services: config.services.length },
        'gateway listening',
      );
      // reload() logs what it did, and never throws: a refused reload keeps the old config.
      const onHangup = () => void gateway.reload();
      process.on('SIGHUP', onHangup);
      closeWithGrace({ delay: 15_000 }, async ({ err }) => {
        process.off('SIGHUP', onHangup);
        if (err) gateway.logger.error({ err }, 'shutting down after an error');
        await gateway.close();
      });
    });
}
