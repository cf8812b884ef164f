// A bare HTTPS client for TLS client-certificate tests: one connection per request, a client
// certificate or none, and an optional TLS session to resume — which fetch and undici do not let a
// test control. Writes one HTTP/1.1 request with `Connection: close` and reads the whole answer.
import { connect, type TLSSocket } from 'node:tls';

export interface TlsPostOptions {
  readonly ca: string;
  /** Leaf then intermediates, PEM. */
  readonly cert?: string;
  readonly key?: string;
  /** A session from an earlier connection, to try resuming it. */
  readonly session?: Buffer;
}

export interface TlsPostAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** Whether the server resumed `session` instead of a full handshake. */
  readonly resumed: boolean;
  /** The session of this connection, if the server let one be kept. */
  readonly session: Buffer | undefined;
}

export async function tlsPost(
  url: string,
  path: string,
  form: Record<string, string>,
  options: TlsPostOptions,
): Promise<TlsPostAnswer> {
  const { hostname, port } = new URL(url);
  const socket: TLSSocket = connect({
    host: hostname,
    port: Number(port),
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    session: options.session,
  });
  let session: Buffer | undefined;
  socket.on('session', (s: Buffer) => {
    session = s;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const body = new URLSearchParams(form).toString();
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.once('error', reject);
  });
  const resumed = socket.isSessionReused();
  socket.destroy();
  const text = Buffer.concat(chunks).toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text.slice(split + 4));
  } catch {}
  return { status, body: parsed, resumed, session: session ?? socket.getSession() };
}
