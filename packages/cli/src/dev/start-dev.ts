// `rolegate dev`: the STS emulator (HTTPS, with its own CA) and a broker in dev mode, on loopback,
// with state kept in one folder so keys and identities survive restarts; SPIFFE SVIDs for the
// demo workloads, from a dev CA the broker trusts.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type Broker, createBroker, parseBrokerConfig } from '@rolegate/broker';
import {
  createDevIdentities,
  loadIdentitiesFile,
  type RolesAnywhereEmulator,
  type StsEmulator,
  type StsIdentity,
  startStsEmulator,
} from '@rolegate/testkit';
import type { Logger } from 'pino';
import { type RunningDevGateway, startDevGateway } from './dev-gateway.ts';
import { startDevRolesAnywhere } from './dev-roles-anywhere.ts';
import { type DevDescription, devJsonPath } from './dev-state.ts';
import { devX509BrokerConfig, prepareDevX509, startDevWorkloadApis } from './dev-x509.ts';

export interface DevOptions {
  readonly stateDir: string;
  /**
   * First port: the broker listens on it, the STS emulator on the next, then the gateway, its
   * admin listener, its HTTPS listener, the Roles Anywhere emulator, the broker's admin listener
   * and the gateway's forward-auth listener. 0 = any free ports.
   */
  readonly port: number;
  readonly logger?: Logger;
  readonly logLevel?: string;
}

export interface RunningDev {
  readonly description: DevDescription;
  readonly broker: Broker;
  readonly sts: StsEmulator;
  readonly gateway: RunningDevGateway;
  readonly rolesAnywhere: RolesAnywhereEmulator;
  close(): Promise<void>;
}

export async function startDev(options: DevOptions): Promise<RunningDev> {
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const identities = loadOrCreateIdentities(stateDir);
  const brokerPort = options.port === 0 ? await freePort() : options.port;
  const sts = await startStsEmulator({
    identities,
    tls: true,
    port: options.port === 0 ? 0 : options.port + 1,
  });
  try {
    const caFile = join(stateDir, 'sts-ca.pem');
    writeFileSync(caFile, sts.caPem!);
    const url = `http://127.0.0.1:${brokerPort}`;
    const prepared = prepareDevX509(stateDir);
    const config = parseBrokerConfig({
      issuer: url,
      dev: true,
      stateDir: join(stateDir, 'broker'),
      listen: { host: '127.0.0.1', port: brokerPort },
      // The shape of the next release: /healthz, /readyz and /metrics on the admin listener only.
      admin: { host: '127.0.0.1', port: options.port === 0 ? 0 : options.port + 6 },
      opsOnMainPort: false,
      logLevel: options.logLevel ?? 'info',
      sts: { endpointOverrides: { '*': sts.url }, caFile },
      x509: devX509BrokerConfig(prepared.x509),
    });
    const broker = await createBroker(config, options.logger ? { logger: options.logger } : {});
    // A broker that cannot listen still watches its key ring: closed, or the process never ends.
    await broker.listen().catch(async (error: unknown) => {
      await broker.close();
      throw error;
    });
    const gateway = await startDevGateway({
      stateDir,
      port: options.port === 0 ? 0 : options.port + 2,
      adminPort: options.port === 0 ? 0 : options.port + 3,
      mtlsPort: options.port === 0 ? 0 : options.port + 4,
      forwardAuthPort: options.port === 0 ? 0 : options.port + 7,
      spiffeBundle: prepared.x509.bundle,
      brokerIssuer: url,
      sts: { url: sts.url, caFile },
      logger: options.logger,
      logLevel: options.logLevel,
    }).catch(async (error: unknown) => {
      await broker.close();
      throw error;
    });
    const agents = await startDevWorkloadApis(prepared).catch(async (error: unknown) => {
      await gateway.close();
      await broker.close();
      throw error;
    });
    const rolesAnywhere = await startDevRolesAnywhere({
      sts,
      x509: prepared.x509,
      port: options.port === 0 ? 0 : options.port + 5,
    }).catch(async (error: unknown) => {
      await agents.close();
      await gateway.close();
      await broker.close();
      throw error;
    });
    const { x509 } = agents;
    const description: DevDescription = {
      broker: {
        url,
        issuer: url,
        loginAudience: broker.loginAudience,
        jwksUrl: `${url}/.well-known/jwks.json`,
        adminUrl: broker.adminUrl,
      },
      sts: { url: sts.url, caFile },
      identities,
      x509,
      rolesAnywhere: rolesAnywhere.description,
      gateway: gateway.description,
    };
    writeFileSync(devJsonPath(stateDir), `${JSON.stringify(description, null, 2)}\n`, {
      mode: 0o600,
    });
    // dev.json holds the dev identities' secrets: owner only, even if an older file was wider.
    chmodSync(devJsonPath(stateDir), 0o600);
    return {
      description,
      broker,
      sts,
      gateway,
      rolesAnywhere: rolesAnywhere.emulator,
      async close() {
        await rolesAnywhere.emulator.close();
        await agents.close();
        await gateway.close();
        await broker.close();
        await sts.close();
      },
    };
  } catch (error) {
    await sts.close();
    throw error;
  }
}

function loadOrCreateIdentities(stateDir: string): StsIdentity[] {
  const file = join(stateDir, 'identities.json');
  if (existsSync(file)) return loadIdentitiesFile(file);
  const identities = createDevIdentities();
  writeFileSync(file, `${JSON.stringify({ identities }, null, 2)}\n`, { mode: 0o600 });
  return identities;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
