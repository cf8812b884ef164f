// The client-facing servers: node:http (or node:https with the listener's certificate), no
// framework. Node's parser runs strict (no lenient flags, duplicate headers never joined), heads
// are capped, and slow clients are cut off — a head must arrive within `headersTimeoutMs`, the
// whole request within `requestTimeoutMs` — so a slow-loris client holds a connection for a
// bounded time only.

import { constants as cryptoConstants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type AcceptGroup, LISTEN_BACKLOG, listenWithAcceptors } from '@rolegate/identity';
import type { GatewayConfig } from '../config/schema.ts';
import type { createClientErrorHandler } from './client-error.ts';
import type { createRequestHandlers } from './request-handler.ts';

type ListenerConfig = GatewayConfig['listeners'][number];

/**
 * Ask for a client certificate without requiring one (anonymous callers and bearer tokens still
 * work), with Node's own chain check off. No session tickets: a resumed session keeps the leaf but
 * not the intermediates the client first sent, and the path is built from those.
 */
const clientCertificateOptions = {
  requestCert: true,
  rejectUnauthorized: false,
  secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
} as const;

export interface Listener {
  readonly server: Server;
  readonly config: ListenerConfig;
}

export function createListener(
  listener: ListenerConfig,
  limits: GatewayConfig['limits'],
  handlers: ReturnType<typeof createRequestHandlers>,
  onClientError: ReturnType<typeof createClientErrorHandler>,
  /** Ask TLS clients for a certificate (the `x509` section): rolegate, not Node, judges it. */
  requestClientCertificates = false,
): Listener {
  const options: ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for requests past those deadlines (its default is every 30 s).
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, limits.headersTimeoutMs / 4)),
    insecureHTTPParser: false,
    joinDuplicateHeaders: false,
    noDelay: true,
  };
  const server =
    listener.tls === undefined
      ? createHttpServer(options, handlers.onRequest)
      : createHttpsServer(
          {
            ...options,
            cert: readFileSync(listener.tls.certFile),
            key: readFileSync(listener.tls.keyFile),
            minVersion: 'TLSv1.2',
            ...(requestClientCertificates ? clientCertificateOptions : {}),
          },
          handlers.onRequest,
        );
  if (listener.tls !== undefined && requestClientCertificates) {
    // A certificate is judged once per connection: renegotiation must not swap it underneath.
    // Node only reports the attempt (the handshake completes), so the connection is dropped here.
    server.on('secureConnection', (socket: TLSSocket) => {
      socket.disableRenegotiation();
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ERR_TLS_RENEGOTIATION_DISABLED') socket.destroy();
      });
    });
  }
  server.maxConnections = limits.maxConnections;
  server.on('checkContinue', handlers.onCheckContinue);
  server.on('upgrade', handlers.onUpgrade);
  server.on('clientError', onClientError);
  return { server, config: listener };
}

/** The extra listening sockets of each server listening through several (see startListening). */
const acceptGroups = new WeakMap<Server, AcceptGroup>();

/**
 * Listens and resolves to the listener's URL. Traffic listeners pass `acceptors` (identity's
 * ACCEPTORS): several sockets on the port, so a saturated gateway still takes new connections and
 * its overload guard sees their requests (identity's ops/acceptors.ts).
 */
export async function startListening(
  server: Server,
  host: string,
  port: number,
  scheme: string,
  acceptors = 1,
): Promise<string> {
  const group = await listenWithAcceptors(server, {
    host,
    port,
    backlog: LISTEN_BACKLOG,
    acceptors,
  });
  acceptGroups.set(server, group);
  const address: AddressInfo = group.address;
  const name = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${name}:${address.port}`;
}

/** Stops accepting, lets requests in flight finish within `graceMs`, then cuts what remains. */
export async function stopListening(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  acceptGroups.get(server)?.close();
  acceptGroups.delete(server);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
