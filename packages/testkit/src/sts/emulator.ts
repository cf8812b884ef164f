// An AWS STS emulator on a loopback port that really verifies SigV4 and answers
// GetCallerIdentity in STS's exact shapes, with fault knobs for testing callers. It is a server
// only: it never makes a request of its own.
import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestCa, issueServerCert } from '../ca/index.ts';
import { callerIdentity } from './caller-identity.ts';
import { type Answer, errorAnswer, faultAnswer, type StsFaults, shapeSuccess } from './faults.ts';
import { buildHostTable, defaultStsHosts } from './hosts.ts';
import { checkIdentities, type StsIdentity } from './identity.ts';
import { BodyTooLargeError, type ReceivedRequest, readRequest } from './received.ts';
import { type AnswerFormat, CONTENT_TYPES, renderSuccess } from './render.ts';
import { MESSAGES, StsError } from './sts-error.ts';

export interface StsEmulatorOptions {
  identities: StsIdentity[];
  /** STS host names answered for (matched against Host). Default: defaultStsHosts(). */
  hosts?: string[];
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with a fresh test CA; the CA certificate is then `caPem`. */
  tls?: boolean;
  /** The emulator's clock, for tests of the ±15 minute window and session expiry. */
  clock?: () => Date;
}

export interface StsEmulator {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  caPem?: string;
  /** Mutable at run time: `sts.faults.latencyMs = 50`. */
  faults: StsFaults;
  /** Requests received. */
  readonly calls: number;
  readonly lastRequest?: RecordedRequest;
  addIdentity(id: StsIdentity): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// GetCallerIdentity bodies are tiny; anything this large is a mistake or an attack.
const MAX_BODY_BYTES = 64 * 1024;

export async function startStsEmulator(opts: StsEmulatorOptions): Promise<StsEmulator> {
  if (!Array.isArray(opts?.identities)) throw new TypeError('identities must be an array');
  const hostList = opts.hosts ?? defaultStsHosts();
  const hosts = buildHostTable(hostList);
  const identities = new Map<string, StsIdentity>(
    checkIdentities(opts.identities, 'identities').map((id) => [id.accessKeyId, id]),
  );
  const addIdentity = (id: StsIdentity): void => {
    const [checked] = checkIdentities([id], 'identity') as [StsIdentity];
    if (identities.has(checked.accessKeyId)) {
      throw new TypeError(`access key id ${checked.accessKeyId} is already known`);
    }
    identities.set(checked.accessKeyId, checked);
  };
  const clock = opts.clock ?? (() => new Date());
  const listenHost = opts.listenHost ?? '127.0.0.1';

  const faults: StsFaults = {};
  const state: { calls: number; lastRequest?: RecordedRequest } = { calls: 0 };
  const pending = new Set<() => void>(); // wakes sleepers and hangers on close()
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    state.calls++;
    let received: ReceivedRequest;
    try {
      received = await readRequest(req, MAX_BODY_BYTES);
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
    const format: AnswerFormat = /application\/json/i.test(req.headers.accept ?? '')
      ? 'json'
      : 'xml';
    const requestId = randomUUID();
    if (faults.hang) {
      // Parked until close(): the socket stays open and silent.
      pending.add(() => res.destroy());
      return;
    }
    if (faults.latencyMs !== undefined && faults.latencyMs > 0) {
      await sleep(faults.latencyMs, pending);
      if (closing) return;
    }
    send(res, requestId, await answerFor(received, requestId, format));
  };

  const answerFor = async (
    received: ReceivedRequest,
    requestId: string,
    format: AnswerFormat,
  ): Promise<Answer> => {
    const fault = faultAnswer(faults, requestId, format);
    if (fault) return fault;
    try {
      const identity = await callerIdentity(received, {
        hosts,
        identityFor: (akid) => identities.get(akid),
        now: clock(),
      });
      const body = renderSuccess(identity, requestId, format);
      const ok: Answer = {
        status: 200,
        headers: { 'content-type': CONTENT_TYPES[format] },
        body,
        stsHeaders: true,
      };
      return shapeSuccess(ok, faults);
    } catch (err) {
      if (err instanceof StsError) return errorAnswer(err.code, err.message, requestId, format);
      return errorAnswer('InternalFailure', MESSAGES.internalFailure, requestId, format);
    }
  };

  let caPem: string | undefined;
  let server: Server;
  if (opts.tls) {
    const ca = await createTestCa({ commonName: 'rolegate testkit STS emulator CA' });
    const leaf = await issueServerCert(ca, {
      hosts: [...hosts.keys(), 'localhost', '127.0.0.1', '::1'],
    });
    caPem = ca.certPem;
    server = createHttpsServer({ key: leaf.keyPem, cert: leaf.certPem });
  } else {
    server = createHttpServer();
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;

  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    ...(caPem === undefined ? {} : { caPem }),
    faults,
    get calls() {
      return state.calls;
    },
    get lastRequest() {
      return state.lastRequest;
    },
    addIdentity,
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

function send(res: ServerResponse, requestId: string, answer: Answer): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.stsHeaders) {
    headers['x-amzn-RequestId'] = requestId;
    headers['content-length'] = String(Buffer.byteLength(answer.body));
  } else {
    res.sendDate = false;
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
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
