// An AWS STS emulator on a loopback port that really verifies SigV4 and answers
// GetCallerIdentity in STS's exact shapes, with fault knobs for testing callers. It is a server
// only: it never makes a request of its own.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createTestCa, issueServerCert } from '../ca/index.ts';
import { type RecordedRequest, startEmulatorHttp } from '../lib/emulator-http.ts';
import { callerIdentity } from './caller-identity.ts';
import { type Answer, errorAnswer, faultAnswer, type StsFaults, shapeSuccess } from './faults.ts';
import { buildHostTable, defaultStsHosts } from './hosts.ts';
import { checkIdentities, type StsIdentity } from './identity.ts';
import type { ReceivedRequest } from './received.ts';
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

export type { RecordedRequest } from '../lib/emulator-http.ts';

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

  const faults: StsFaults = {};

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

  let tls: { keyPem: string; certPem: string } | undefined;
  let caPem: string | undefined;
  if (opts.tls) {
    const ca = await createTestCa({ commonName: 'rolegate testkit STS emulator CA' });
    const leaf = await issueServerCert(ca, {
      hosts: [...hosts.keys(), 'localhost', '127.0.0.1', '::1'],
    });
    caPem = ca.certPem;
    tls = { keyPem: leaf.keyPem, certPem: leaf.certPem };
  }
  const http = await startEmulatorHttp(
    { listenHost: opts.listenHost, port: opts.port, tls, maxBodyBytes: MAX_BODY_BYTES },
    async ({ req, res, received, slowDown }) => {
      const format: AnswerFormat = /application\/json/i.test(req.headers.accept ?? '')
        ? 'json'
        : 'xml';
      const requestId = randomUUID();
      if (!(await slowDown(faults))) return;
      send(res, requestId, await answerFor(received, requestId, format));
    },
  );

  return {
    url: http.url,
    ...(caPem === undefined ? {} : { caPem }),
    faults,
    get calls() {
      return http.calls;
    },
    get lastRequest() {
      return http.lastRequest;
    },
    addIdentity,
    close: () => http.close(),
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
