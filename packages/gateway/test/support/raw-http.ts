// HTTP on a bare socket, for requests no client library will send (smuggling shapes, duplicate
// headers, raw paths) and for timing attacks (bytes sent slowly).

import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: string;
  /** Every byte received until the server closed or the wait ended. */
  readonly text: string;
}

function parse(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: end < 0 ? '' : text.slice(end + 4), text };
}

/** Opens a socket to `url`'s host and port. */
export function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Collects what arrives on `socket` until it closes or `waitMs` passes. */
export function collect(socket: Socket, waitMs = 2_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(text));
    };
    const timer = setTimeout(done, waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.once('close', done);
    socket.once('error', done);
  });
}

/** Sends `bytes` as they are and returns what came back (up to `waitMs`). */
export async function rawExchange(url: string, bytes: string, waitMs = 2_000): Promise<RawAnswer> {
  const socket = await openSocket(url);
  const answer = collect(socket, waitMs);
  socket.write(bytes, 'latin1');
  return answer;
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): Record<string, unknown>;
}

/** node:http request with the path sent exactly as given (fetch would normalise it). */
export function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string | string[]> | string[];
    body?: string | Buffer;
  } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
