// Signing material from the SPIFFE Workload API (the testkit's emulated agent, real gRPC on a
// unix socket): the X.509-SVID's leaf, intermediates and key; a rotation between two loads gives
// the new SVID; the agent's answers and an SVID the checks refuse keep their codes.
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createRootAuthority,
  startWorkloadApi,
  type WorkloadApiEmulator,
  type WorkloadIdentity,
} from '@rolegate/testkit';
import { loadSigningMaterial } from '../src/roles-anywhere/signing-material.ts';

const SPIFFE_ID = 'spiffe://example.org/ns/prod/orders';
const root = createRootAuthority();
const intermediate = root.createIntermediate();
const identity = (leaf = intermediate.issueSvid(SPIFFE_ID)): WorkloadIdentity => ({
  spiffeId: SPIFFE_ID,
  leaf,
  bundle: [root.der],
});
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('loadSigningMaterial from the Workload API', () => {
  let agent: WorkloadApiEmulator;
  let workload: WorkloadIdentity;

  before(async () => {
    workload = identity();
    agent = await startWorkloadApi({ x509Svids: [workload] });
  });
  after(() => agent.close());

  it("gives the SVID's leaf, intermediates and key", async () => {
    const material = await loadSigningMaterial({ workloadApi: agent.address });
    const leaf = workload.leaf.chain[0]!;
    assert.deepEqual(material.certificate, leaf.der);
    assert.deepEqual(material.intermediates, [intermediate.der]);
    assert.deepEqual(
      createPublicKey(material.privateKey).export({ type: 'spki', format: 'der' }),
      Buffer.from(workload.leaf.key.spki),
    );
  });

  it('takes the address from SPIFFE_ENDPOINT_SOCKET when told `true`', async () => {
    const saved = process.env.SPIFFE_ENDPOINT_SOCKET;
    process.env.SPIFFE_ENDPOINT_SOCKET = agent.address;
    try {
      const material = await loadSigningMaterial({ workloadApi: true });
      assert.deepEqual(material.certificate, workload.leaf.chain[0]!.der);
    } finally {
      if (saved === undefined) delete process.env.SPIFFE_ENDPOINT_SOCKET;
      else process.env.SPIFFE_ENDPOINT_SOCKET = saved;
    }
  });

  it('gives the rotated SVID on the next load', async () => {
    const first = await loadSigningMaterial({ workloadApi: agent.address });
    const rotated = identity(intermediate.issueSvid(SPIFFE_ID, { keyType: 'rsa-2048' }));
    agent.setX509Svids([rotated]);
    try {
      const second = await loadSigningMaterial({ workloadApi: agent.address });
      assert.notEqual(second.serialHex, first.serialHex);
      assert.deepEqual(second.certificate, rotated.leaf.chain[0]!.der);
      assert.equal(second.privateKey.asymmetricKeyType, 'rsa');
    } finally {
      agent.setX509Svids([workload]);
    }
  });

  it("keeps the Workload API client's codes, and checks the SVID like a file", async () => {
    agent.setX509Svids([]);
    try {
      assert.equal(
        await codeOf(loadSigningMaterial({ workloadApi: agent.address })),
        'client.workload_api_no_identity',
      );
    } finally {
      agent.setX509Svids([workload]);
    }
    assert.equal(
      await codeOf(loadSigningMaterial({ workloadApi: 'unix:///nonexistent/agent.sock' })),
      'client.workload_api_unavailable',
    );
    assert.equal(
      await codeOf(loadSigningMaterial({ workloadApi: 'http://agent' })),
      'client.invalid_option',
    );
    const expired = identity();
    agent.setX509Svids([expired]);
    try {
      const later = () => new Date(expired.leaf.chain[0]!.notAfter.getTime() + 1000);
      assert.equal(
        await codeOf(loadSigningMaterial({ workloadApi: agent.address, now: later })),
        'client.certificate_expired',
      );
      agent.setX509Svids([identity(intermediate.issueSvid(SPIFFE_ID, { keyType: 'ec-p521' }))]);
      assert.equal(
        await codeOf(loadSigningMaterial({ workloadApi: agent.address })),
        'client.certificate_invalid',
      );
    } finally {
      agent.setX509Svids([workload]);
    }
  });
});
