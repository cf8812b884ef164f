// Several listening sockets for one server (ops/acceptors.ts): every connection reaches the server
// whichever socket took it, with the server's own rules (connection cap, half-open sockets, the
// header deadline), and a port already held — by anything, a group included — is refused.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  type AcceptGroup,
  type AcceptOptions,
  listenWithAcceptors as listen,
  reusePortSupported,
} from '../../src/index.ts';

/** Listens and remembers the group, closed after the tests whatever happened. */
async function listenWithAcceptors(server: Server, options: AcceptOptions): Promise<AcceptGroup> {
  const group = await listen(server, options);
  groups.push(group);
  return group;
}

const HOST = '127.0.0.1';
const supported = reusePortSupported();
const servers: Server[] = [];
const groups: AcceptGroup[] = [];
after(() => {
  for (const group of groups) group.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

function httpServer(options: Parameters<typeof createHttpServer>[0] = {}): Server {
  const server = createHttpServer(options, (_req, res) => res.end('ok'));
  servers.push(server);
  return server;
}

/** Opens a raw connection, writes `bytes`, and resolves with everything read until it closes. */
function exchange(port: number, bytes: string, endAfterWrite = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST, () => {
      socket.write(bytes);
      if (endAfterWrite) socket.end();
    });
    let read = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      read += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(read));
  });
}

/** `server` through 8 sockets on a port the kernel picks. */
const onAnyPort = (server: Server) =>
  listenWithAcceptors(server, { host: HOST, port: 0, backlog: 511, acceptors: 8 });

const REQUEST = `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

describe('listening through several sockets', () => {
  it('knows where SO_REUSEPORT is honoured: Node 22.12+ / 23.1+ on Linux, not in a cluster worker', () => {
    for (const [version, expected] of [
      ['20.20.2', false],
      ['22.11.0', false],
      ['22.12.0', true],
      ['23.0.1', false],
      ['23.1.0', true],
      ['24.22.3', true],
      ['26.0.0', true],
    ] as const)
      assert.equal(reusePortSupported(version, 'linux', false), expected, version);
    assert.equal(reusePortSupported('24.22.3', 'darwin', false), false);
    assert.equal(reusePortSupported('24.22.3', 'linux', true), false);
  });

  it('every connection is answered, whichever socket took it', async () => {
    const server = httpServer();
    let own = 0;
    let handedOver = 0;
    // First in line: node:http's own listener then marks every socket as the server's.
    server.prependListener('connection', (socket: Socket & { server?: unknown }) => {
      if (socket.server === server) own++;
      else handedOver++;
    });
    const group = await onAnyPort(server);
    assert.equal(group.size, supported ? 8 : 1);
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => exchange(group.address.port, REQUEST)),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.equal(own + handedOver, 200);
    // 200 connections hashed over 8 sockets: all on the server's own has odds of 8^-200.
    if (supported) assert.ok(handedOver > 0 && own < 200, `own ${own}, handed over ${handedOver}`);
    else assert.equal(handedOver, 0);
    group.close();
  });

  it('refuses a port already held, by a plain socket or by another group (no silent sharing)', async () => {
    const first = httpServer();
    const group = await listenWithAcceptors(first, {
      host: HOST,
      port: 0,
      backlog: 511,
      acceptors: 4,
    });
    const port = group.address.port;
    await assert.rejects(
      listenWithAcceptors(httpServer(), { host: HOST, port, backlog: 511, acceptors: 4 }),
      { code: 'EADDRINUSE' },
    );
    const plain = createServer();
    await assert.rejects(
      new Promise((resolve, reject) => {
        plain.once('error', reject);
        plain.listen(port, HOST, () => resolve(undefined));
      }),
      { code: 'EADDRINUSE' },
    );
    // Closed, the port is free again.
    group.close();
    await new Promise<void>((resolve) => first.close(() => resolve()));
    await new Promise<void>((resolve, reject) => {
      plain.once('error', reject);
      plain.listen(port, HOST, () => resolve());
    });
    plain.close();
  });

  it('maxConnections holds over the whole group', async () => {
    const server = httpServer();
    server.maxConnections = 5;
    const group = await onAnyPort(server);
    // 40 connections that stay open (no request yet): 5 are kept, the others closed at once.
    const sockets = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(group.address.port, HOST, () => resolve(socket));
            socket.on('error', () => {});
          }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open');
    for (const s of sockets) s.destroy();
    assert.equal(open.length, 5);
    // The closed ones freed no slot twice: once they are gone, five new ones fit again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => exchange(group.address.port, REQUEST)),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200 /);
    group.close();
  });

  it("handed-over connections keep the server's socket options: a half-closed caller still gets its answer", async () => {
    const server = httpServer();
    const group = await onAnyPort(server);
    const answers = await Promise.all(
      Array.from({ length: 64 }, () =>
        exchange(group.address.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', true),
      ),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200 /);
    group.close();
  });

  it("handed-over connections meet the server's header deadline (a slow head is cut off)", async () => {
    const server = httpServer({
      headersTimeout: 300,
      requestTimeout: 600,
      connectionsCheckingInterval: 50,
    });
    const group = await onAnyPort(server);
    // 32 callers send half a head and nothing more: each is answered 408 and closed, not held.
    const answers = await Promise.all(
      Array.from({ length: 32 }, () =>
        exchange(group.address.port, 'GET / HTTP/1.1\r\nHost: x\r\n'),
      ),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408 /);
    group.close();
  });

  it("a graceful stop ends: idle keep-alive connections, whichever socket took them, are the server's to close", async () => {
    const server = httpServer({ keepAliveTimeout: 60_000 });
    const group = await onAnyPort(server);
    // 32 keep-alive connections, each answered once and left idle.
    const sockets = await Promise.all(
      Array.from(
        { length: 32 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(group.address.port, HOST, () =>
              socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
            );
            socket.on('error', () => {});
            socket.once('data', () => resolve(socket));
          }),
      ),
    );
    group.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    // And every caller sees its connection closed.
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((resolve) => {
            if (s.destroyed) resolve(undefined);
            s.once('close', resolve);
            s.resume();
          }),
      ),
    );
  });

  it('one socket where the platform has no SO_REUSEPORT for us (a cluster worker, Node 20)', async () => {
    const server = httpServer();
    const group = await listenWithAcceptors(server, {
      host: HOST,
      port: 0,
      backlog: 511,
      acceptors: 1,
    });
    assert.equal(group.size, 1);
    assert.equal((server.address() as AddressInfo).port, group.address.port);
    assert.match(await exchange(group.address.port, REQUEST), /^HTTP\/1\.1 200 /);
    group.close();
  });
});
