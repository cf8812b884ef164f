// An AWS KMS emulator on a loopback port: the JSON 1.1 protocol as `@aws-sdk/client-kms` speaks
// it to a custom endpoint, SigV4 verified for real, asymmetric signing keys made with node:crypto,
// key states, a per-key "deny Sign" key policy and fault knobs. A server only: it never makes a
// request of its own.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type RecordedRequest, startEmulatorHttp } from '../lib/emulator-http.ts';
import { DEFAULT_DEV_ACCOUNT } from '../sts/dev-identities.ts';
import { checkCredentials, type KmsCredential } from './auth.ts';
import { faultError, faultsApply, type KmsFaults } from './faults.ts';
import { type KeyAdmin, type KmsKeySeed, keyAdmin } from './key-admin.ts';
import { KeyStore } from './key-store.ts';
import { errorBody, KMS_MESSAGES, KmsError } from './kms-error.ts';
import { kmsAnswer, operationOf } from './service.ts';

export interface KmsEmulatorOptions {
  /** Who may call: access key id → secret (+ session token, + ARN for AccessDenied messages). */
  credentials: KmsCredential[];
  /** Keys to create at start, in order. */
  keys?: KmsKeySeed[];
  /** Default us-east-1; the SigV4 scope must name it. */
  region?: string;
  /** Default 111122223333. */
  account?: string;
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The emulator's clock: SigV4 window, session expiry, creation and deletion dates. */
  clock?: () => Date;
}

export interface KmsEmulator extends KeyAdmin {
  /** http://127.0.0.1:PORT — the SDK's `endpoint`. */
  url: string;
  region: string;
  account: string;
  /** Mutable at run time: `kms.faults.throttleRate = 1`. */
  faults: KmsFaults;
  /** Requests received. */
  readonly calls: number;
  /** Requests received whose X-Amz-Target named this operation (e.g. 'GetPublicKey'). */
  callsTo(operation: string): number;
  readonly lastRequest?: RecordedRequest;
  addCredential(credential: KmsCredential): void;
  close(): Promise<void>;
}

// A Sign request is at most ~6 KB of JSON; anything this large is a mistake or an attack.
const MAX_BODY_BYTES = 256 * 1024;
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export async function startKmsEmulator(opts: KmsEmulatorOptions): Promise<KmsEmulator> {
  const credentials = checkCredentials(opts?.credentials);
  const clock = opts.clock ?? (() => new Date());
  const store = new KeyStore(
    opts.region ?? 'us-east-1',
    opts.account ?? DEFAULT_DEV_ACCOUNT,
    clock,
  );
  if (!/^\d{12}$/.test(store.account)) throw new TypeError('account must be 12 digits');

  const admin = keyAdmin(store, clock);
  for (const seed of opts.keys ?? []) await admin.createKey(seed.keySpec, seed);

  const faults: KmsFaults = {};
  const perOperation = new Map<string, number>();

  const http = await startEmulatorHttp(
    { listenHost: opts.listenHost, port: opts.port, maxBodyBytes: MAX_BODY_BYTES },
    async ({ res, received, slowDown }) => {
      const operation = operationOf(received);
      if (operation !== undefined)
        perOperation.set(operation, (perOperation.get(operation) ?? 0) + 1);
      const faulty = faultsApply(faults, operation);
      if (faulty && !(await slowDown(faults))) return;
      const requestId = randomUUID();
      try {
        const fault = faulty ? faultError(faults) : undefined;
        if (fault) throw fault;
        const body = await kmsAnswer(received, {
          store,
          credentialFor: (akid) => credentials.get(akid),
          now: clock(),
        });
        send(res, requestId, 200, body);
      } catch (err) {
        const error =
          err instanceof KmsError
            ? err
            : new KmsError('KMSInternalException', KMS_MESSAGES.internal);
        send(res, requestId, error.status, errorBody(error), error.code);
      }
    },
  );

  return {
    url: http.url,
    region: store.region,
    account: store.account,
    faults,
    get calls() {
      return http.calls;
    },
    callsTo: (operation) => perOperation.get(operation) ?? 0,
    get lastRequest() {
      return http.lastRequest;
    },
    ...admin,
    addCredential: (credential) => {
      checkCredentials([credential]);
      if (credentials.has(credential.accessKeyId)) {
        throw new TypeError(`access key id ${credential.accessKeyId} is already known`);
      }
      credentials.set(credential.accessKeyId, credential);
    },
    close: () => http.close(),
  };
}

function send(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: string,
  errorType?: string,
): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = {
    'x-amzn-RequestId': requestId,
    'content-type': CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(body)),
  };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(status, headers);
  res.end(body);
}
