// A SPIFFE Workload API on a unix socket, as a SPIRE agent serves it, for tests and `rolegate dev`:
// the security header is required (InvalidArgument without it, as SPIRE answers), X.509-SVIDs are
// streamed as full states — `setX509Svids` pushes the new state to every open stream, the way an
// agent pushes a rotation —, an empty state is PermissionDenied ("no identity issued"), and
// JWT-SVIDs are minted per audience by a real JWT-SVID issuer whose key a bundle can publish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import {
  type JwtSvidMessage,
  WORKLOAD_API_HEADER,
  workloadApiService,
  type X509SvidMessage,
} from '@rolegate/client';
import type { TestLeaf } from '../ca/authority.ts';
import type { JwtSvidIssuer } from '../ca/jwt-svid.ts';

/** One identity the emulated agent hands out. */
export interface WorkloadIdentity {
  readonly spiffeId: string;
  /** The SVID: its DER chain (leaf first) and its key. */
  readonly leaf: Pick<TestLeaf, 'chain' | 'key'>;
  /** DER roots of the trust domain. */
  readonly bundle: readonly Uint8Array[];
  readonly hint?: string;
}

export interface WorkloadApiEmulatorOptions {
  readonly x509Svids: readonly WorkloadIdentity[];
  /** Mints JWT-SVIDs; without it FetchJWTSVID is PermissionDenied. */
  readonly jwtIssuer?: JwtSvidIssuer;
  /** Lifetime of minted JWT-SVIDs; default 300 s. */
  readonly jwtSvidSeconds?: number;
}

export interface WorkloadApiEmulator {
  /** `unix:///…/agent.sock`: what SPIFFE_ENDPOINT_SOCKET should say. */
  readonly address: string;
  /** Replaces the state and streams it to every open FetchX509SVID call. */
  setX509Svids(svids: readonly WorkloadIdentity[]): void;
  /** Calls refused for a missing security header, and calls served, so far. */
  readonly stats: { refused: number; x509Calls: number; jwtCalls: number; openStreams: number };
  close(): Promise<void>;
}

export async function startWorkloadApi(
  options: WorkloadApiEmulatorOptions,
): Promise<WorkloadApiEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-spire-'));
  const socketPath = join(dir, 'agent.sock');
  let state = options.x509Svids;
  const streams = new Set<ServerWritableStream<object, unknown>>();
  const stats = { refused: 0, x509Calls: 0, jwtCalls: 0, openStreams: 0 };

  const hasSecurityHeader = (call: { metadata: { get(key: string): unknown[] } }) =>
    call.metadata.get(WORKLOAD_API_HEADER).map(String).includes('true');
  const refusal = {
    code: status.INVALID_ARGUMENT,
    details: 'security header missing from request',
  };

  const send = (stream: ServerWritableStream<object, unknown>) => {
    if (state.length === 0) {
      stream.emit('error', { code: status.PERMISSION_DENIED, details: 'no identity issued' });
      streams.delete(stream);
      return;
    }
    stream.write({ svids: state.map(toMessage), crl: [], federated_bundles: {} });
  };

  const server = new Server();
  server.addService(workloadApiService(), {
    FetchX509SVID(stream: ServerWritableStream<object, unknown>) {
      if (!hasSecurityHeader(stream)) {
        stats.refused++;
        stream.emit('error', refusal);
        return;
      }
      stats.x509Calls++;
      streams.add(stream);
      stream.on('cancelled', () => streams.delete(stream));
      stream.on('close', () => streams.delete(stream));
      send(stream);
    },
    async FetchJWTSVID(
      call: ServerUnaryCall<{ audience: string[]; spiffe_id: string }, unknown>,
      callback: sendUnaryData<{ svids: JwtSvidMessage[] }>,
    ) {
      if (!hasSecurityHeader(call)) {
        stats.refused++;
        return callback(refusal);
      }
      stats.jwtCalls++;
      const { audience, spiffe_id } = call.request;
      if (audience.length === 0)
        return callback({ code: status.INVALID_ARGUMENT, details: 'audience must be specified' });
      const identities = state.filter((s) => spiffe_id === '' || s.spiffeId === spiffe_id);
      if (options.jwtIssuer === undefined || identities.length === 0)
        return callback({ code: status.PERMISSION_DENIED, details: 'no identity issued' });
      const svids = await Promise.all(
        identities.map(async (identity) => ({
          spiffe_id: identity.spiffeId,
          svid: await options.jwtIssuer!.issue({
            spiffeId: identity.spiffeId,
            audience,
            expiresIn: options.jwtSvidSeconds ?? 300,
          }),
          hint: identity.hint ?? '',
        })),
      );
      callback(null, { svids });
    },
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socketPath}`, ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );

  return {
    address: `unix://${socketPath}`,
    setX509Svids(svids) {
      state = svids;
      for (const stream of [...streams]) send(stream);
    },
    get stats() {
      return { ...stats, openStreams: streams.size };
    },
    async close() {
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function toMessage(identity: WorkloadIdentity): X509SvidMessage {
  return {
    spiffe_id: identity.spiffeId,
    x509_svid: Buffer.concat(identity.leaf.chain.map((c) => c.der)),
    x509_svid_key: identity.leaf.key.privateKey.export({ format: 'der', type: 'pkcs8' }),
    bundle: Buffer.concat(identity.bundle),
    hint: identity.hint ?? '',
  };
}
