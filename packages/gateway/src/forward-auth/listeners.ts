// The forward-auth listeners: node:http servers built like the gateway's own (listeners.ts —
// strict parser, capped heads, slow clients cut off), on host:port or a Unix socket, each with
// its convention. In a cluster, every worker listens and node:cluster shares the socket, as for
// the service listeners.

import cluster from 'node:cluster';
import { lstatSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { ACCEPTORS, LISTEN_BACKLOG } from '@rolegate/identity';
import type { ForwardAuthListenerConfig } from '../config/forward-auth-schema.ts';
import type { GatewayConfig } from '../config/schema.ts';
import type { createClientErrorHandler } from '../http/client-error.ts';
import { createListener, startListening, stopListening } from '../http/listeners.ts';
import { createForwardAuthHandlers, type ForwardAuthDeps } from './handler.ts';
import { createProxyTrust } from './trust.ts';

export interface ForwardAuthListeners {
  /** Listens on every forward-auth listener; resolves to their URLs (`unix:<path>` for a socket). */
  listen(): Promise<string[]>;
  close(graceMs: number): Promise<void>;
}

/** A socket file left by a process that is gone would make listen() fail with EADDRINUSE. */
function removeStaleSocket(path: string): void {
  // In a cluster the primary holds the one socket every worker shares: never remove it from one.
  if (cluster.isWorker) return;
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function listenOnSocket(server: Server, path: string): Promise<string> {
  removeStaleSocket(path);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve(`unix:${path}`);
    });
  });
}

type Handlers = ReturnType<typeof createForwardAuthHandlers>;
type ListenerHandlers = Parameters<typeof createListener>[2];

export function createForwardAuthListeners(
  config: GatewayConfig,
  deps: Omit<ForwardAuthDeps, 'config' | 'trust'>,
  onClientError: ReturnType<typeof createClientErrorHandler>,
  /** Puts the handlers behind the gateway's overload guard (a flood through the proxy is shed too). */
  guarded: (handlers: Handlers) => ListenerHandlers = (handlers) => handlers,
): ForwardAuthListeners {
  const section = config.forwardAuth;
  if (section === undefined) {
    return { listen: async () => [], close: async () => {} };
  }
  const full: ForwardAuthDeps = { ...deps, config: section, trust: createProxyTrust(section) };
  const servers = section.listeners.map((listener: ForwardAuthListenerConfig) => ({
    listener,
    server: createListener(
      { host: listener.host, port: listener.port },
      config.limits,
      guarded(createForwardAuthHandlers(full, listener)),
      onClientError,
    ).server,
  }));
  return {
    listen: () =>
      Promise.all(
        servers.map(({ server, listener }) =>
          listener.socket === undefined
            ? startListening(server, listener.host, listener.port, 'http', ACCEPTORS)
            : listenOnSocket(server, listener.socket),
        ),
      ),
    async close(graceMs) {
      await Promise.all(servers.map(({ server }) => stopListening(server, graceMs)));
    },
  };
}
