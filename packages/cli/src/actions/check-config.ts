// `rolegate broker --check-config` and `rolegate gateway --check-config`: everything the server
// checks at start without the network — the schema, `${env:…}` and `${file:…}` references, every
// file the config names (read and parsed), policies compiled — then `config OK: <file>` and exit
// 0, or every problem found and exit 1. Nothing listens, nothing is written, no key is made.
import { ConfigError } from '@rolegate/core';

export async function checkBrokerConfigFile(file: string): Promise<void> {
  const { checkBrokerConfig, loadBrokerConfigFile } = await import('@rolegate/broker');
  const problems = checkBrokerConfig(loadBrokerConfigFile(file));
  if (problems.length > 0) throw new ConfigError(file, problems);
  reportOk(file);
}

export async function checkGatewayConfigFile(file: string): Promise<void> {
  const { createGateway, createGatewayLogger, loadGatewayConfigFile } = await import(
    '@rolegate/gateway'
  );
  const config = loadGatewayConfigFile(file);
  // Building the gateway reads every file and compiles every policy, as a start does; it is
  // closed without ever listening.
  const gateway = await createGateway(config, {
    configFile: file,
    logger: createGatewayLogger('silent'),
    adminListener: false,
  });
  await gateway.close();
  reportOk(file);
}

function reportOk(file: string): void {
  process.stdout.write(`config OK: ${file}\n`);
}
