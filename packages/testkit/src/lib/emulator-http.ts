// The HTTP side every emulator shares: a loopback listener (plain or TLS), the request body read
// under a size cap (413 beyond it), each request counted and recorded for tests to inspect, the
// slow-service faults (a set latency, or a request accepted and never answered), and a close()
// that wakes sleepers, drops parked requests and ends every connection, so no test hangs on it.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, type ReceivedRequest, readRequest } from '../sts/received.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The faults every emulator offers for a slow or silent service. */
export interface SlowFaults {
  /** Wait this long before answering. */
  latencyMs?: number;
  /** Accept the request and never answer (for timeout tests); close() still ends it. */
  hang?: boolean;
}

export interface EmulatorHttpOptions {
  /** Default 127.0.0.1. */
  readonly listenHost?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly keyPem: string; readonly certPem: string };
  readonly maxBodyBytes: number;
}

export interface EmulatorRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly received: ReceivedRequest;
  /**
   * Applies the slow faults: resolves true when the request should now be answered, false when
   * it is parked (hang) or the emulator closed meanwhile.
   */
  slowDown(faults: SlowFaults): Promise<boolean>;
}

export interface EmulatorHttp {
  readonly url: string;
  readonly calls: number;
  readonly lastRequest: RecordedRequest | undefined;
  close(): Promise<void>;
}

export async function startEmulatorHttp(
  options: EmulatorHttpOptions,
  answer: (request: EmulatorRequest) => Promise<void>,
): Promise<EmulatorHttp> {
  const state: { calls: number; lastRequest?: RecordedRequest } = { calls: 0 };
  const pending = new Set<() => void>(); // wakes sleepers and parked requests on close()
  let closing = false;

  const slowDown = async (res: ServerResponse, faults: SlowFaults): Promise<boolean> => {
    if (faults.hang) {
      pending.add(() => res.destroy()); // parked until close(): the socket stays open and silent
      return false;
    }
    if (faults.latencyMs !== undefined && faults.latencyMs > 0) {
      await sleep(faults.latencyMs, pending);
      if (closing) return false;
    }
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    state.calls++;
    let received: ReceivedRequest;
    try {
      received = await readRequest(req, options.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) res.writeHead(413).end();
      else res.destroy();
      return;
    }
    state.lastRequest = {
      method: received.method,
      url: received.url,
      headers: { ...req.headers },
      body: received.body.toString('utf8'),
    };
    await answer({ req, res, received, slowDown: (faults) => slowDown(res, faults) });
  };

  const server = options.tls
    ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem })
    : createHttpServer();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  });
  const listenHost = options.listenHost ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    get calls() {
      return state.calls;
    },
    get lastRequest() {
      return state.lastRequest;
    },
    close: async () => {
      if (closing) return;
      closing = true;
      for (const wake of pending) wake();
      pending.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Sleeps `ms`, or less if close() wakes every sleeper. */
function sleep(ms: number, pending: Set<() => void>): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      pending.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    pending.add(wake);
  });
}
