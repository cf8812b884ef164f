// A real broker (in front of the STS emulator) and a real gateway, both in this process on
// loopback, each logging into a string: what an operator runs, seen as an operator sees it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Broker, createBroker, createBrokerLogger, parseBrokerConfig } from '@rolegate/broker';
import {
  createGateway,
  createGatewayLogger,
  type Gateway,
  parseGatewayConfig,
} from '@rolegate/gateway';
import { createDevIdentities, type StsEmulator, startStsEmulator } from '@rolegate/testkit';

export interface TwoServers {
  readonly broker: Broker;
  readonly brokerUrl: string;
  readonly gateway: Gateway;
  /** Every line each server logged so far, parsed. */
  brokerLines(): Record<string, unknown>[];
  gatewayLines(): Record<string, unknown>[];
  close(): Promise<void>;
}

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const lines = () =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

export async function startTwoServers(): Promise<TwoServers> {
  const sts: StsEmulator = await startStsEmulator({ identities: createDevIdentities() });
  const stateDir = mkdtempSync(join(tmpdir(), 'rolegate-ops-'));
  const brokerLog = sink();
  const gatewayLog = sink();
  const broker = await createBroker(
    parseBrokerConfig({
      issuer: 'http://broker.test',
      dev: true,
      stateDir,
      listen: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      sts: { endpointOverrides: { '*': sts.url } },
    }),
    { logger: createBrokerLogger('info', brokerLog.stream) },
  );
  const brokerUrl = await broker.listen(0);
  const gateway = await createGateway(
    parseGatewayConfig({
      listeners: [{ host: '127.0.0.1', port: 0 }],
      admin: { host: '127.0.0.1', port: 0 },
      services: [
        {
          name: 'public',
          listener: { hosts: ['public.example'] },
          upstreams: ['http://127.0.0.1:1'],
          authType: 'NONE',
        },
      ],
    }),
    { logger: createGatewayLogger('info', gatewayLog.stream), closeGraceMs: 100 },
  );
  await gateway.listen();
  return {
    broker,
    brokerUrl,
    gateway,
    brokerLines: brokerLog.lines,
    gatewayLines: gatewayLog.lines,
    async close() {
      await gateway.close();
      await broker.close();
      await sts.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
