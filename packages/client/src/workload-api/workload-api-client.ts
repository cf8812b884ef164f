// A client of the SPIFFE Workload API (SPIRE agent, or anything that speaks it): gRPC over a unix
// socket (or tcp) with the `workload.spiffe.io: true` header on every call. X.509-SVIDs arrive as
// a stream of full states — each message replaces everything before it, so a rotated SVID or a
// dropped identity shows in the next message —; fetch reads one, watch follows them. JWT-SVIDs
// are asked for per audience. Nothing here decides trust: the broker validates what is presented.
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import {
  type ClientReadableStream,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { type ClientErrorCode, RolegateClientError } from '../errors.ts';
import {
  type JwtSvidMessage,
  WORKLOAD_API_HEADER,
  workloadApiClientConstructor,
  type X509SvidMessage,
  type X509SvidResponseMessage,
} from './definition.ts';
import { splitDerSequences } from './der-sequence.ts';
import { SPIFFE_ENDPOINT_SOCKET, workloadApiTarget } from './endpoint.ts';

export interface X509Svid {
  readonly spiffeId: string;
  /** DER certificates: the leaf first, then intermediates. */
  readonly certificates: readonly Buffer[];
  readonly privateKey: KeyObject;
  /** DER CA certificates of the SVID's trust domain. */
  readonly bundle: readonly Buffer[];
  /** The agent's label for this identity, when it has several ('' otherwise). */
  readonly hint: string;
}

export interface JwtSvid {
  readonly spiffeId: string;
  readonly token: string;
}

export interface WorkloadApiClientOptions {
  /** `unix:///path` or `tcp://IP:port`. Default: SPIFFE_ENDPOINT_SOCKET. */
  readonly address?: string;
  /** Per call (fetches); default 10 000 ms. */
  readonly timeoutMs?: number;
}

interface RawClient {
  FetchX509SVID(request: object, metadata: Metadata): ClientReadableStream<X509SvidResponseMessage>;
  FetchJWTSVID(
    request: object,
    metadata: Metadata,
    options: { deadline: Date },
    callback: (error: ServiceError | null, response?: { svids: JwtSvidMessage[] }) => void,
  ): void;
  close(): void;
}

export class WorkloadApiClient {
  readonly #client: RawClient;
  readonly #timeoutMs: number;
  readonly #address: string;

  constructor(options: WorkloadApiClientOptions = {}) {
    const address = options.address ?? process.env[SPIFFE_ENDPOINT_SOCKET];
    if (!address) {
      throw new RolegateClientError(
        'client.invalid_option',
        `no Workload API address: set ${SPIFFE_ENDPOINT_SOCKET} (or address)`,
      );
    }
    this.#address = address;
    const Client = workloadApiClientConstructor();
    this.#client = new Client(
      workloadApiTarget(address),
      credentials.createInsecure(),
    ) as unknown as RawClient;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The X.509-SVIDs the workload is entitled to now (the first full state of the stream). */
  fetchX509Svids(): Promise<X509Svid[]> {
    return new Promise((resolve, reject) => {
      const stream = this.#client.FetchX509SVID({}, workloadMetadata());
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stream.cancel();
        outcome();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              this.#error('client.workload_api_unavailable', `no answer in ${this.#timeoutMs} ms`),
            ),
          ),
        this.#timeoutMs,
      );
      stream.on('data', (message: X509SvidResponseMessage) => {
        finish(() => {
          try {
            resolve(readX509Svids(message));
          } catch (error) {
            reject(error);
          }
        });
      });
      stream.on('error', (error: ServiceError) => {
        finish(() => reject(this.#fromGrpc(error)));
      });
      stream.on('end', () =>
        finish(() =>
          reject(
            this.#error('client.workload_api_unavailable', 'the stream ended without an answer'),
          ),
        ),
      );
    });
  }

  /**
   * Follows the X.509-SVID stream: `onUpdate` gets every new full state; `onError` gets a message
   * that cannot be used (the stream goes on) and, once, the end of the stream (the caller decides
   * whether to watch again). Returns a function that stops watching.
   */
  watchX509Svids(
    onUpdate: (svids: X509Svid[]) => void,
    onError: (error: RolegateClientError) => void,
  ): () => void {
    const stream = this.#client.FetchX509SVID({}, workloadMetadata());
    // Set once the caller stops or the stream has ended (gRPC may report an error and then end).
    let stopped = false;
    const end = (error: RolegateClientError) => {
      if (stopped) return;
      stopped = true;
      onError(error);
    };
    stream.on('data', (message: X509SvidResponseMessage) => {
      if (stopped) return;
      try {
        onUpdate(readX509Svids(message));
      } catch (error) {
        onError(error as RolegateClientError);
      }
    });
    stream.on('error', (error: ServiceError) => end(this.#fromGrpc(error)));
    stream.on('end', () => end(this.#error('client.workload_api_unavailable', 'the stream ended')));
    return () => {
      stopped = true;
      stream.cancel();
    };
  }

  /** A JWT-SVID for `audience` (of `spiffeId`, or the agent's first identity). */
  fetchJwtSvid(audience: string, spiffeId?: string): Promise<JwtSvid> {
    return new Promise((resolve, reject) => {
      this.#client.FetchJWTSVID(
        { audience: [audience], spiffe_id: spiffeId ?? '' },
        workloadMetadata(),
        { deadline: new Date(Date.now() + this.#timeoutMs) },
        (error, response) => {
          if (error) return reject(this.#fromGrpc(error));
          const svid = response?.svids.find(
            (s) => spiffeId === undefined || s.spiffe_id === spiffeId,
          );
          if (svid === undefined || svid.svid === '')
            return reject(
              this.#error('client.workload_api_no_identity', 'no JWT-SVID in the answer'),
            );
          resolve({ spiffeId: svid.spiffe_id, token: svid.svid });
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }

  #error(code: ClientErrorCode, why: string, cause?: unknown): RolegateClientError {
    return new RolegateClientError(code, `Workload API at ${this.#address}: ${why}`, { cause });
  }

  // SPIRE answers PermissionDenied when it has no identity for the caller (yet): not an outage.
  #fromGrpc(error: ServiceError): RolegateClientError {
    const code: ClientErrorCode =
      error.code === status.PERMISSION_DENIED
        ? 'client.workload_api_no_identity'
        : 'client.workload_api_unavailable';
    return this.#error(code, `${status[error.code] ?? error.code}: ${error.details}`, error);
  }
}

function workloadMetadata(): Metadata {
  const metadata = new Metadata();
  metadata.set(WORKLOAD_API_HEADER, 'true');
  return metadata;
}

/** One full state; an SVID that cannot be used makes the whole message unusable. */
export function readX509Svids(message: X509SvidResponseMessage): X509Svid[] {
  if (message.svids.length === 0)
    throw new RolegateClientError(
      'client.workload_api_no_identity',
      'the Workload API sent no X.509-SVID',
    );
  return message.svids.map(readX509Svid);
}

function readX509Svid(svid: X509SvidMessage, index: number): X509Svid {
  const bad = (why: string, cause?: unknown) =>
    new RolegateClientError(
      'client.workload_api_bad_response',
      `X.509-SVID ${index} (${svid.spiffe_id.slice(0, 200)}): ${why}`,
      { cause },
    );
  let certificates: Buffer[];
  let bundle: Buffer[];
  try {
    certificates = splitDerSequences(svid.x509_svid);
    bundle = splitDerSequences(svid.bundle);
  } catch (cause) {
    throw bad((cause as Error).message, cause);
  }
  if (certificates.length === 0) throw bad('no certificate');
  let privateKey: KeyObject;
  let leafKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: svid.x509_svid_key, format: 'der', type: 'pkcs8' });
    leafKey = new X509Certificate(certificates[0]!).publicKey;
  } catch (cause) {
    throw bad(`unreadable certificate or key: ${(cause as Error).message}`, cause);
  }
  const spki = (key: KeyObject) => key.export({ format: 'der', type: 'spki' });
  if (!spki(createPublicKey(privateKey)).equals(spki(leafKey)))
    throw bad('the private key is not the key of the leaf certificate');
  return { spiffeId: svid.spiffe_id, certificates, privateKey, bundle, hint: svid.hint };
}
