// The broker's admin listener: /healthz, /readyz and /metrics on their own port (config `admin`),
// served by the same node:http server as the gateway's (@rolegate/identity's createAdminServer).
// Until the next release the token port serves them too (`opsOnMainPort`); a warning at start
// says so, so an operator learns of the move from the log rather than from a failing probe.

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createAdminServer } from '@rolegate/identity';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config/schema.ts';
import type { BrokerMetrics } from './metrics.ts';

export interface AdminListener {
  /** `http://host:port`, the port the system gave when 0 was asked for. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startAdminListener(
  address: { readonly host: string; readonly port: number },
  deps: { readonly metrics: BrokerMetrics; readonly isReady: () => boolean },
): Promise<AdminListener> {
  const server = createAdminServer({
    contentType: deps.metrics.registry.contentType,
    metricsText: () => deps.metrics.registry.metrics(),
    isReady: async () => deps.isReady(),
  });
  server.listen(address.port, address.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      // A scraper's keep-alive connection must not hold the broker's shutdown open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The deprecation notice for ops endpoints on the token port, logged once at start. */
export function warnAboutOpsOnMainPort(config: BrokerConfig, logger: Logger): void {
  if (!config.opsOnMainPort) return;
  logger.warn(
    { paths: ['/healthz', '/readyz', '/metrics'], admin: config.admin },
    config.admin === false
      ? 'opsOnMainPort: /healthz, /readyz and /metrics are served on the token port, which is deprecated; configure the admin listener and set opsOnMainPort: false (the default from the next release)'
      : 'opsOnMainPort: /healthz, /readyz and /metrics are served on the token port too, which is deprecated; use the admin listener and set opsOnMainPort: false (the default from the next release)',
  );
}
