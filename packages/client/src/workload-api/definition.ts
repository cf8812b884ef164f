// The Workload API's gRPC service, loaded once from workload.proto beside this file. Exported so
// the testkit's Workload API emulator serves exactly the messages this client reads.
import { fileURLToPath } from 'node:url';
import {
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The metadata every Workload API call must carry (SPIFFE Workload Endpoint §4). */
export const WORKLOAD_API_HEADER = 'workload.spiffe.io';

let loaded: ServiceClientConstructor | undefined;

/** The generated client constructor of `SpiffeWorkloadAPI`. */
export function workloadApiClientConstructor(): ServiceClientConstructor {
  if (loaded === undefined) {
    const definition = loadSync(fileURLToPath(new URL('./workload.proto', import.meta.url)), {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
    });
    loaded = (loadPackageDefinition(definition) as GrpcObject)
      .SpiffeWorkloadAPI as ServiceClientConstructor;
  }
  return loaded;
}

/** The service definition, for a server. */
export function workloadApiService(): ServiceDefinition {
  return workloadApiClientConstructor().service;
}

/** An X509SVID message as read (bytes as Buffers, absent strings as ''). */
export interface X509SvidMessage {
  readonly spiffe_id: string;
  readonly x509_svid: Buffer;
  readonly x509_svid_key: Buffer;
  readonly bundle: Buffer;
  readonly hint: string;
}

export interface X509SvidResponseMessage {
  readonly svids: readonly X509SvidMessage[];
  readonly crl: readonly Buffer[];
  readonly federated_bundles: Readonly<Record<string, Buffer>>;
}

export interface JwtSvidMessage {
  readonly spiffe_id: string;
  readonly svid: string;
  readonly hint: string;
}
