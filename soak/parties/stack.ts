// Starts every party of the soak, each its own process on loopback, in dependency order: the STS
// and KMS emulators, redis-server, two broker replicas (the built `rolegate broker`, one shared
// key ring and Redis), the JWKS relay, the two demo backends, and the gateway with two workers
// (claiming raw proofs in the brokers' Redis).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevIdentities } from '@rolegate/testkit';
import { prepareDevX509 } from '../../packages/cli/src/dev/dev-x509.ts';
import { addKmsKey } from '../faults/keys.ts';
import { freePort, ROLEGATE_BIN, tsxArgs } from '../lib/children.ts';
import { KMS_ALIASES, KMS_REGION, SERVICES, type Service } from '../lib/constants.ts';
import { writeBrokerConfig, writeGatewayConfig } from './configs.ts';
import { Party, waitFor200 } from './party.ts';
import { RedisParty } from './redis.ts';

export interface BrokerParty {
  readonly party: Party;
  readonly url: string;
  readonly adminUrl: string;
  readonly config: string;
}

export interface Stack {
  readonly dir: string;
  readonly identitiesFile: string;
  readonly x509: ReturnType<typeof prepareDevX509>['x509'];
  readonly sts: Party;
  readonly kms: Party;
  readonly kmsUrl: string;
  readonly redis: RedisParty;
  readonly brokers: readonly BrokerParty[];
  readonly brokerStateDir: string;
  /** Environment the `rolegate keys add --kms` CLI needs (the KMS caller's credentials). */
  readonly kmsEnv: Readonly<Record<string, string>>;
  readonly relay: Party;
  readonly backends: Readonly<Record<Service, Party>>;
  readonly gateway: Party;
  readonly gatewayUrl: string;
  readonly gatewayAdminUrl: string;
  readonly gatewayDir: string;
  /** Every party, for the resource sampler. */
  readonly parties: () => readonly Party[];
}

/** `redisDir`: the runner's, removed by it whether or not the stack starts. */
export async function startStack(
  dir: string,
  redisDir: string,
  plant: string | undefined,
): Promise<Stack> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // STS knows orders, reviews and alice; KMS has one caller of its own (the brokers' role).
  const sts = createDevIdentities();
  const kmsCaller = createDevIdentities().find((i) => i.name === 'alice')!;
  const identitiesFile = join(dir, 'identities.json');
  writeFileSync(identitiesFile, JSON.stringify({ sts, kms: kmsCaller }), { mode: 0o600 });
  const { x509 } = prepareDevX509(dir);

  const stsParty = new Party('sts', {
    args: tsxArgs('parties/emulator-process.ts', 'sts', identitiesFile),
  });
  const kmsParty = new Party('kms', {
    args: tsxArgs('parties/emulator-process.ts', 'kms', identitiesFile),
  });
  await Promise.all([stsParty.start(), kmsParty.start()]);
  const stsUrl = (stsParty.ready as { url: string }).url;
  const kmsUrl = (kmsParty.ready as { url: string }).url;
  const redis = new RedisParty(redisDir, await freePort());
  await redis.start();

  const kmsEnv = {
    AWS_ACCESS_KEY_ID: kmsCaller.accessKeyId,
    AWS_SECRET_ACCESS_KEY: kmsCaller.secretAccessKey,
    AWS_REGION: KMS_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const brokerStateDir = join(dir, 'broker-state');
  const brokers: BrokerParty[] = [];
  // One after the other: the first start writes the shared ring from KMS, the second reads it.
  for (const name of ['broker-a', 'broker-b']) {
    const [port, adminPort] = [await freePort(), await freePort()];
    const config = writeBrokerConfig({
      dir,
      name,
      port,
      adminPort,
      stateDir: brokerStateDir,
      stsUrl,
      kmsUrl,
      redisUrl: redis.url,
      x509,
    });
    const party = new Party(name, {
      args: [ROLEGATE_BIN, 'broker', '--config', config],
      env: kmsEnv,
      readyLine: false,
    });
    await party.start();
    const broker = {
      party,
      url: `http://127.0.0.1:${port}`,
      adminUrl: `http://127.0.0.1:${adminPort}`,
      config,
    };
    await waitFor200(`${broker.adminUrl}/readyz`);
    brokers.push(broker);
  }

  // The first standby, published before the gateway ever reads the JWKS: the first promotion then
  // costs no verification (rotation as docs/broker.md runs it).
  await addKmsKey({ brokerStateDir, kmsEnv, kmsUrl, kms: kmsParty }, KMS_ALIASES[1], false);

  const relay = new Party('jwks-relay', {
    args: tsxArgs(
      'parties/jwks-relay-process.ts',
      String(await freePort()),
      ...brokers.map((b) => b.url),
    ),
  });
  await relay.start();
  const backends = {} as Record<Service, Party>;
  const backendUrls = {} as Record<Service, string>;
  for (const service of SERVICES) {
    backends[service] = new Party(service, {
      args: tsxArgs('parties/backend-process.ts', service, String(await freePort())),
    });
    await backends[service].start();
    backendUrls[service] = (backends[service].ready as { url: string }).url;
  }

  const [gatewayPort, gatewayAdminPort] = [await freePort(), await freePort()];
  const gatewayDir = join(dir, 'gateway');
  const gatewayConfig = writeGatewayConfig({
    dir: gatewayDir,
    port: gatewayPort,
    adminPort: gatewayAdminPort,
    jwksUri: (relay.ready as { url: string }).url,
    stsUrl,
    redisUrl: redis.url,
    backends: backendUrls,
    plant,
  });
  const gateway = new Party('gateway', {
    args: [ROLEGATE_BIN, 'gateway', '--config', gatewayConfig, '--workers', '2'],
    readyLine: false,
  });
  const gatewayAdminUrl = `http://127.0.0.1:${gatewayAdminPort}`;
  await startGateway(gateway, gatewayAdminUrl);

  return {
    dir,
    identitiesFile,
    x509,
    sts: stsParty,
    kms: kmsParty,
    kmsUrl,
    redis,
    brokers,
    brokerStateDir,
    kmsEnv,
    relay,
    backends,
    gateway,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gatewayAdminUrl,
    gatewayDir,
    parties: () => [
      stsParty,
      kmsParty,
      redis.party,
      ...brokers.map((b) => b.party),
      relay,
      ...SERVICES.map((s) => backends[s]),
      gateway,
    ],
  };
}

/**
 * The gateway's primary gives its workers 30 s to listen; on a machine starved of CPU (a shared
 * CI runner) that can pass, and the gateway exits 1 as documented. Up to three attempts, so
 * the soak measures the run, not the start.
 */
async function startGateway(gateway: Party, adminUrl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await gateway.start();
    const exited = gateway.child!.exited.then((how) => {
      throw new Error(`the gateway exited (${how}) before it was ready`);
    });
    try {
      await Promise.race([waitFor200(`${adminUrl}/readyz`), exited]);
      exited.catch(() => {});
      return;
    } catch (error) {
      exited.catch(() => {});
      await gateway.stop();
      if (attempt === 3) throw error;
      process.stderr.write(`soak: ${(error as Error).message}; starting it again\n`);
    }
  }
}
