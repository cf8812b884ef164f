// Starts a real gateway on loopback from a config object, with its log captured as JSON lines.
import { Writable } from 'node:stream';
import {
  createGateway,
  createGatewayLogger,
  type Gateway,
  type GatewayConfigInput,
  parseGatewayConfig,
} from '../../src/index.ts';

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly adminUrl: string;
  /** Every log line so far, parsed. */
  logs(): Record<string, unknown>[];
  /** The raw log text (to check that no secret ever reached it). */
  logText(): string;
  close(): Promise<void>;
}

export async function startGateway(
  input: Omit<GatewayConfigInput, 'listeners' | 'admin'> & Partial<GatewayConfigInput>,
  options: { configFile?: string; overloadMinCpuShare?: number } = {},
): Promise<RunningGateway> {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const config = parseGatewayConfig({
    listeners: [{ host: '127.0.0.1', port: 0 }],
    admin: { host: '127.0.0.1', port: 0 },
    ...input,
  });
  const gateway = await createGateway(config, {
    logger: createGatewayLogger('info', sink),
    closeGraceMs: 200,
    ...options,
  });
  await gateway.listen();
  return {
    gateway,
    url: gateway.url,
    adminUrl: gateway.adminUrl!,
    logs: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    logText: () => text,
    close: () => gateway.close(),
  };
}

/** The access-log line of one request, by the request id the answer carried. */
export function accessLine(
  running: RunningGateway,
  requestId: string | null,
): Record<string, unknown> | undefined {
  return running.logs().find((l) => l.msg === 'request' && l.requestId === requestId);
}
