// Several listening sockets for one server, so a saturated process still takes new connections
// fast enough for its overload guard to see their requests.
//
// libuv takes one connection per listening socket per event-loop turn (libuv#3696), and a turn of
// a saturated server lasts tens of milliseconds: one socket lets in 15–50 connections a second.
// The rest wait in the kernel's listen queue, where no guard sees them, first in first out, until
// their callers have given up — measured in the overload bench, the broker then served 0.34 of
// its peak at 2x and nothing at 4x, all of it after the callers' deadline. With a group of
// sockets bound with SO_REUSEPORT, the kernel spreads new connections over the group and each
// socket gives one per turn: with 16, every connection reached the broker at once and its queue
// bound shed what it could not serve (1.01 of its peak at 2x, 0.82 at 4x, no timeouts).
//
// The extra sockets are plain net servers that hand each connection to the server
// (`server.emit('connection')`, the documented way to inject one), which itself listens as the
// group's first member: Node's per-connection machinery (the HTTP parser, the request and header
// timeouts checked for every tracked connection) only starts on a server that listens.
//
// SO_REUSEPORT would also let a second process with the same user bind the same port and silently
// take a share of its connections (a gateway started twice by mistake). So the port is first bound
// without it, which fails with EADDRINUSE when anything holds it — a rolegate group included —
// then freed and bound again as a group. Between the two there is a window of microseconds.

import cluster from 'node:cluster';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

/** Listening sockets per traffic listener where the platform allows (see the file comment). */
export const ACCEPTORS = 16;

export interface AcceptOptions {
  readonly host: string;
  readonly port: number;
  readonly backlog: number;
  /** Listening sockets wanted; 1 where SO_REUSEPORT is unavailable (see {@link reusePortSupported}). */
  readonly acceptors: number;
  /**
   * Listens `server` itself with these options (default `server.listen`): Fastify's `listen`,
   * for one, must be the one to open its server.
   */
  readonly listen?: (options: ListenOptions) => Promise<void>;
}

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly backlog: number;
  readonly reusePort?: true;
}

export interface AcceptGroup {
  readonly address: AddressInfo;
  /** Listening sockets in the group, the server's own included. */
  readonly size: number;
  /**
   * Stops the extra sockets accepting, at once. It does not wait for the connections they took:
   * those belong to the server, whose owner closes them with its own (waiting here would hang a
   * graceful stop on idle keep-alive connections only the server's close ends).
   */
  close(): void;
}

/**
 * Whether `reusePort` is honoured here: Node 22.12+ or 23.1+ on Linux (elsewhere Node refuses
 * it or, before those versions, ignores it — two sockets would then fail with EADDRINUSE), and not
 * in a cluster worker, whose listening socket is the primary's.
 */
export function reusePortSupported(
  version = process.versions.node,
  platform = process.platform,
  inWorker = cluster.isWorker,
): boolean {
  if (platform !== 'linux' || inWorker) return false;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

export async function listenWithAcceptors(
  server: Server,
  options: AcceptOptions,
): Promise<AcceptGroup> {
  const listen = options.listen ?? ((o: ListenOptions) => listenServer(server, o));
  const { host, backlog } = options;
  const size = reusePortSupported() ? Math.max(1, Math.floor(options.acceptors)) : 1;
  if (size === 1) {
    await listen({ host, port: options.port, backlog });
    return { address: server.address() as AddressInfo, size, close: () => {} };
  }
  const port = await claimPort(host, options.port);
  await listen({ host, port, backlog, reusePort: true });
  capConnections(server);
  const extra: Server[] = [];
  try {
    for (let i = 1; i < size; i++) {
      const acceptor = createServer(socketOptionsOf(server), (socket) =>
        server.emit('connection', socket),
      );
      await listenServer(acceptor, { host, port, backlog, reusePort: true });
      extra.push(acceptor);
    }
  } catch (error) {
    for (const acceptor of extra) acceptor.close();
    throw error;
  }
  return {
    address: server.address() as AddressInfo,
    size,
    close: () => {
      for (const acceptor of extra) acceptor.close();
    },
  };
}

/**
 * Binds `host:port` without SO_REUSEPORT and frees it: fails with EADDRINUSE as a plain listen
 * would when anything holds the port; for port 0, picks the port the group then binds.
 */
async function claimPort(host: string, port: number): Promise<number> {
  const probe = createServer();
  await listenServer(probe, { host, port, backlog: 1 });
  const claimed = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return claimed;
}

function listenServer(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The socket options `server` gives the connections it accepts itself, for those the others take:
 * node:http, for one, keeps sockets half-open (a caller may shut its side down after a request and
 * still read the answer) and turns Nagle off.
 */
function socketOptionsOf(server: Server) {
  const own = server as Server & {
    allowHalfOpen?: boolean;
    noDelay?: boolean;
    keepAlive?: boolean;
    keepAliveInitialDelay?: number;
    highWaterMark?: number;
  };
  return {
    allowHalfOpen: own.allowHalfOpen === true,
    noDelay: own.noDelay === true,
    keepAlive: own.keepAlive === true,
    // Kept in seconds by net.Server, given in milliseconds.
    keepAliveInitialDelay: (own.keepAliveInitialDelay ?? 0) * 1000,
    ...(own.highWaterMark === undefined ? {} : { highWaterMark: own.highWaterMark }),
  };
}

/**
 * `server.maxConnections` over the whole group: Node applies it to the connections the server's
 * own socket accepts, not to those handed over by the others. Every connection, whichever socket
 * took it, passes here first (a prepended `connection` listener) and is closed at once past the
 * limit, before any HTTP or TLS work.
 */
function capConnections(server: Server): void {
  let open = 0;
  const closed = () => {
    open--;
  };
  server.prependListener('connection', (socket: Socket) => {
    const max = server.maxConnections;
    if (Number.isFinite(max) && max >= 0 && open >= max) {
      socket.destroy();
      return;
    }
    open++;
    socket.once('close', closed);
  });
}
