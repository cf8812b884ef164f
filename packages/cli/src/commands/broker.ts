// `rolegate broker --config FILE`: runs the token broker until SIGINT/SIGTERM, then drains.
// SIGHUP is not a stop: the broker re-reads its key ring and trust files on it. The broker
// itself (Fastify, the AWS SDK) is loaded only when the command runs: ../actions/broker.ts.
import { type Command, InvalidArgumentError } from 'commander';

export interface BrokerFlags {
  readonly config: string;
  /** Check the config as a start would (no network, nothing written), then exit. */
  readonly checkConfig?: boolean;
  readonly port?: number;
}

/** A TCP port, 0 (any free port) to 65535; anything else is refused before the broker starts. */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('give a port from 0 to 65535');
  }
  return Number(value);
}

export function registerBrokerCommand(program: Command): void {
  program
    .command('broker')
    .description('run the token broker')
    .requiredOption('--config <file>', 'YAML configuration (see docs/broker.md)')
    .option('--check-config', 'check the config file and every file it names, then exit')
    .option('--port <n>', 'override listen.port', parsePort)
    .action(async (flags: BrokerFlags) => {
      if (flags.checkConfig) {
        const { checkBrokerConfigFile } = await import('../actions/check-config.ts');
        return checkBrokerConfigFile(flags.config);
      }
      const { runBroker } = await import('../actions/broker.ts');
      await runBroker(flags);
    });
}
