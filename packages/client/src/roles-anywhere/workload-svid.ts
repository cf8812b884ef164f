// The X.509-SVID of the SPIFFE Workload API as signing material: its leaf, intermediates and
// key. Loaded by signing-material.ts only when a Workload API is configured, since this module
// brings gRPC with it.
import { WorkloadApiClient } from '../workload-api/workload-api-client.ts';
import { parseCertificateDer } from './certificate-file.ts';
import type { LoadedMaterial } from './signing-material.ts';

/** The agent's first X.509-SVID (its default identity); a new connection for every call. */
export async function fetchSvidMaterial(address: string | true): Promise<LoadedMaterial> {
  const client = new WorkloadApiClient(address === true ? {} : { address });
  try {
    const [svid] = await client.fetchX509Svids();
    // The client has already checked that the key is the leaf's and that there is a leaf.
    const [leaf, ...intermediates] = svid!.certificates.map(parseCertificateDer);
    return {
      leaf: leaf!,
      intermediates,
      privateKey: svid!.privateKey,
      origin: `the X.509-SVID ${svid!.spiffeId.slice(0, 200)} from the Workload API`,
    };
  } finally {
    client.close();
  }
}
