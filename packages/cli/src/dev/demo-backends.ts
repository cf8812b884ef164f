// The demo backends of `rolegate dev`, `billing` and `rates`: like the Lambda functions of the
// Lattice + SPIFFE walkthrough, each answers JSON echoing the method, path and request headers it
// received, so the demo can show what the gateway passed on (and that inbound x-rolegate-* copies
// never arrive). Loopback only; bodies are drained, not echoed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoBackend {
  readonly name: string;
  readonly url: string;
  close(): Promise<void>;
}

/** What a demo backend answers. */
export interface EchoAnswer {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
}

export async function startDemoBackend(name: string, port = 0): Promise<DemoBackend> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume(); // drain any body
    req.on('end', () => {
      const headers: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[key] = value;
      }
      const answer: EchoAnswer = {
        service: name,
        method: req.method ?? '',
        path: req.url ?? '',
        headers,
      };
      const body = JSON.stringify(answer, null, 2);
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
