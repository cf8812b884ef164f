// A real upstream service on loopback that records what reached it and answers with what it saw.
// Paths with special behaviour: `/slow-headers` waits before answering, `/stream` streams a body
// in chunks, `/echo-body` answers with the request body, and WebSocket upgrades echo text frames.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface Backend {
  readonly url: string;
  readonly seen: Seen[];
  readonly upgrades: Seen[];
  /** Delay of `/slow-headers`, in ms. */
  slowMs: number;
  close(): Promise<void>;
}

/** Server side of one WebSocket: unmasks client text frames and echoes them back (small frames). */
function echoFrames(socket: Socket): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 6) {
      const opcode = buffered[0]! & 0x0f;
      const length = buffered[1]! & 0x7f;
      if (length > 125 || buffered.length < 6 + length) return;
      const mask = buffered.subarray(2, 6);
      const payload = Buffer.from(buffered.subarray(6, 6 + length));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buffered = buffered.subarray(6 + length);
      if (opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
    }
  });
}

export async function startBackend(): Promise<Backend> {
  const seen: Seen[] = [];
  const upgrades: Seen[] = [];
  const state = { slowMs: 1_000 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
      };
      seen.push(record);
      const path = record.url.split('?')[0];
      if (path === '/slow-headers') {
        setTimeout(() => res.writeHead(200).end('late'), state.slowMs);
        return;
      }
      if (path === '/stream') {
        res.writeHead(200, {
          'content-type': 'text/plain',
          connection: 'keep-alive, x-secret-hop',
          'x-secret-hop': '1',
        });
        let n = 0;
        const timer = setInterval(() => {
          res.write(`chunk-${n}\n`);
          if (++n === 5) {
            clearInterval(timer);
            res.end();
          }
        }, 10);
        return;
      }
      if (path === '/echo-body') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(record.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': 'yes' });
      res.end(JSON.stringify({ method: record.method, url: record.url, headers: record.headers }));
    });
  });
  server.on('upgrade', (req, socket: Socket) => {
    upgrades.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
    });
    const key = req.headers['sec-websocket-key'] ?? '';
    const accept = createHash('sha1')
      .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    echoFrames(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    upgrades,
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(ms: number) {
      state.slowMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it (for "upstream down"). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
