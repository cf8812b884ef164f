// The SPIFFE Workload API client and provider against the testkit's emulated agent (real gRPC on a
// unix socket) and a real broker: the security header, full-state streams (a rotation replaces the
// SVID, an empty state is "no identity"), JWT-SVIDs per audience, strict reading of what the agent
// sends, address parsing, and tokens from both kinds of SVID.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentials, Metadata } from '@grpc/grpc-js';
import {
  startWorkloadApi,
  type WorkloadApiEmulator,
  type WorkloadIdentity,
} from '@rolegate/testkit';
import fc from 'fast-check';
import { type Harness, LOGIN_AUDIENCE, startHarness } from '../../broker/test/support/harness.ts';
import { createX509Fixture, type X509Fixture } from '../../broker/test/x509/support/pki-fixture.ts';
import { fromWorkloadApi, WorkloadApiClient, workloadApiTarget } from '../src/index.ts';
import { workloadApiClientConstructor } from '../src/workload-api/definition.ts';
import { splitDerSequences } from '../src/workload-api/der-sequence.ts';
import { readX509Svids } from '../src/workload-api/workload-api-client.ts';

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    rolegate: { method: string; session_name: string; tags: Record<string, string> };
  };

describe('the Workload API client and provider', () => {
  let fixture: X509Fixture;
  let h: Harness;
  let agent: WorkloadApiEmulator;
  let workload: WorkloadIdentity;

  before(async () => {
    fixture = createX509Fixture();
    h = await startHarness({ x509: fixture.x509 });
    workload = {
      spiffeId: `spiffe://${fixture.svids.trustDomain}/workload`,
      leaf: fixture.svids.valid,
      bundle: fixture.svids.anchors.map((a) => a.der),
    };
    // The fixture's bundle publishes this issuer's key as the trust domain's jwt-svid authority.
    agent = await startWorkloadApi({ x509Svids: [workload], jwtIssuer: fixture.jwt });
  });
  after(async () => {
    await agent.close();
    await h.close();
    fixture.cleanup();
  });

  it('fetches the X.509-SVID: chain, matching key and bundle', async () => {
    const client = new WorkloadApiClient({ address: agent.address });
    try {
      const [svid] = await client.fetchX509Svids();
      assert.equal(svid!.spiffeId, workload.spiffeId);
      assert.equal(svid!.certificates.length, fixture.svids.valid.chain.length);
      assert.deepEqual(new Uint8Array(svid!.certificates[0]!), fixture.svids.valid.der);
      assert.equal(svid!.bundle.length, fixture.svids.anchors.length);
    } finally {
      client.close();
    }
  });

  it('logs in with the X.509-SVID, and the next token uses the SVID the agent rotated to', async () => {
    const provider = fromWorkloadApi({
      address: agent.address,
      brokerUrl: h.brokerUrl,
      loginAudience: LOGIN_AUDIENCE,
    });
    const first = decode((await provider('https://billing.example')).accessToken);
    assert.equal(first.rolegate.method, 'x509');
    assert.equal(first.rolegate.tags['x509SAN/URI'], workload.spiffeId);

    const rotated = fixture.svids.intermediate.issueSvid(workload.spiffeId);
    agent.setX509Svids([{ ...workload, leaf: rotated }]);
    const second = decode((await provider('https://billing.example')).accessToken);
    assert.equal(second.rolegate.tags['x509SAN/URI'], workload.spiffeId);
    assert.notEqual(second.rolegate.session_name, first.rolegate.session_name, 'a new serial');
    agent.setX509Svids([workload]);
  });

  it('logs in with a JWT-SVID minted for the broker login audience', async () => {
    const provider = fromWorkloadApi({
      address: agent.address,
      brokerUrl: h.brokerUrl,
      loginAudience: LOGIN_AUDIENCE,
      svid: 'jwt',
    });
    const token = decode((await provider('https://billing.example')).accessToken);
    assert.equal(token.rolegate.method, 'jwt-svid');
    assert.equal(token.rolegate.tags['x509SAN/URI'], workload.spiffeId);
  });

  it('follows the stream: every message is the full state', async () => {
    const client = new WorkloadApiClient({ address: agent.address });
    const states: string[][] = [];
    const errors: string[] = [];
    let notify: () => void = () => {};
    const stop = client.watchX509Svids(
      (svids) => {
        states.push(svids.map((s) => s.spiffeId));
        notify();
      },
      (error) => {
        errors.push(error.code);
        notify();
      },
    );
    const next = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no update')), 5_000);
        notify = () => {
          if (states.length + errors.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });
    try {
      await next(1);
      const other = fixture.svids.intermediate.issueSvid(`${workload.spiffeId}/second`);
      agent.setX509Svids([
        workload,
        { ...workload, spiffeId: `${workload.spiffeId}/second`, leaf: other },
      ]);
      await next(2);
      agent.setX509Svids([workload]);
      await next(3);
      assert.deepEqual(states, [
        [workload.spiffeId],
        [workload.spiffeId, `${workload.spiffeId}/second`],
        [workload.spiffeId],
      ]);
      // The identity is withdrawn: the agent ends the stream with PermissionDenied.
      agent.setX509Svids([]);
      await next(4);
      assert.deepEqual(errors, ['client.workload_api_no_identity']);
    } finally {
      stop();
      client.close();
      agent.setX509Svids([workload]);
    }
  });

  it('is refused by the agent without the security header', async () => {
    const Client = workloadApiClientConstructor();
    const raw = new Client(
      workloadApiTarget(agent.address),
      credentials.createInsecure(),
    ) as unknown as {
      FetchX509SVID(request: object, metadata: Metadata): NodeJS.EventEmitter & { cancel(): void };
      close(): void;
    };
    const refusedBefore = agent.stats.refused;
    const error = await new Promise<{ code: number; details: string }>((resolve) => {
      const stream = raw.FetchX509SVID({}, new Metadata());
      stream.on('error', resolve);
      stream.on('data', () => resolve({ code: -1, details: 'answered' }));
    });
    raw.close();
    assert.equal(error.code, 3); // INVALID_ARGUMENT
    assert.equal(agent.stats.refused, refusedBefore + 1);
  });

  it('reports no identity and an unreachable agent with their own codes', async () => {
    const empty = await startWorkloadApi({ x509Svids: [] });
    const client = new WorkloadApiClient({ address: empty.address, timeoutMs: 3_000 });
    try {
      await assert.rejects(client.fetchX509Svids(), { code: 'client.workload_api_no_identity' });
      await assert.rejects(client.fetchJwtSvid('aud'), { code: 'client.workload_api_no_identity' });
    } finally {
      client.close();
      await empty.close();
    }
    const gone = new WorkloadApiClient({
      address: 'unix:///nonexistent/rolegate/agent.sock',
      timeoutMs: 1_000,
    });
    try {
      await assert.rejects(gone.fetchX509Svids(), { code: 'client.workload_api_unavailable' });
    } finally {
      gone.close();
    }
  });

  it('skips without a Workload API, so the default chain goes on', async () => {
    const saved = process.env.SPIFFE_ENDPOINT_SOCKET;
    delete process.env.SPIFFE_ENDPOINT_SOCKET;
    try {
      await assert.rejects(fromWorkloadApi({ brokerUrl: h.brokerUrl })('a'), {
        name: 'TokenProviderSkipped',
      });
    } finally {
      if (saved !== undefined) process.env.SPIFFE_ENDPOINT_SOCKET = saved;
    }
  });
});

describe('reading what the agent sends', () => {
  const fixture = createX509Fixture();
  after(() => fixture.cleanup());
  const leaf = fixture.svids.valid;
  const message = (overrides: Record<string, unknown> = {}) => ({
    svids: [
      {
        spiffe_id: 'spiffe://example.org/workload',
        x509_svid: Buffer.concat(leaf.chain.map((c) => c.der)),
        x509_svid_key: leaf.key.privateKey.export({ format: 'der', type: 'pkcs8' }),
        bundle: Buffer.concat(fixture.svids.anchors.map((a) => a.der)),
        hint: '',
        ...overrides,
      },
    ],
    crl: [],
    federated_bundles: {},
  });

  it('reads a well-formed message', () => {
    assert.equal(readX509Svids(message())[0]!.certificates.length, leaf.chain.length);
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    [
      'trailing bytes after the chain',
      { x509_svid: Buffer.concat([Buffer.from(leaf.der), Buffer.from([0])]) },
      'client.workload_api_bad_response',
    ],
    [
      'a truncated certificate',
      { x509_svid: Buffer.from(leaf.der).subarray(0, 100) },
      'client.workload_api_bad_response',
    ],
    ['no certificate', { x509_svid: Buffer.alloc(0) }, 'client.workload_api_bad_response'],
    [
      'a key that is not the leaf key',
      {
        x509_svid_key: fixture.svids.broken.expired.key.privateKey.export({
          format: 'der',
          type: 'pkcs8',
        }),
      },
      'client.workload_api_bad_response',
    ],
    [
      'an unreadable key',
      { x509_svid_key: Buffer.from('not a key') },
      'client.workload_api_bad_response',
    ],
  ];
  for (const [name, overrides, code] of refusals) {
    it(`refuses ${name}`, () => {
      assert.throws(() => readX509Svids(message(overrides)), { code });
    });
  }

  it('refuses an empty state as no identity', () => {
    assert.throws(() => readX509Svids({ svids: [], crl: [], federated_bundles: {} }), {
      code: 'client.workload_api_no_identity',
    });
  });

  it('splits concatenated DER exactly, and never accepts what it cannot split (fuzz)', () => {
    const ders = leaf.chain.map((c) => Buffer.from(c.der));
    assert.deepEqual(splitDerSequences(Buffer.concat(ders)), ders);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 2000 }), (noise, cut) => {
        const bytes = Buffer.concat([Buffer.concat(ders).subarray(0, cut), noise]);
        try {
          const parts = splitDerSequences(bytes);
          // Whatever was accepted covers the input exactly, value by value.
          assert.deepEqual(Buffer.concat(parts), bytes);
        } catch (error) {
          assert.ok(error instanceof Error);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('Workload API addresses', () => {
  const good: [string, string][] = [
    ['unix:///run/spire/agent.sock', 'unix:/run/spire/agent.sock'],
    ['unix:/run/spire/agent.sock', 'unix:/run/spire/agent.sock'],
    ['tcp://127.0.0.1:8081', 'ipv4:127.0.0.1:8081'],
    ['tcp://[::1]:8081', 'ipv6:[::1]:8081'],
  ];
  for (const [address, target] of good) {
    it(`accepts ${address}`, () => assert.equal(workloadApiTarget(address), target));
  }
  const bad = [
    'unix://host/run/agent.sock',
    'unix:///',
    'unix:relative.sock',
    'unix:///run/agent.sock?x=1',
    'unix:///run/agent.sock#f',
    'tcp://localhost:8081',
    'tcp://127.0.0.1',
    'tcp://127.0.0.1:8081/path',
    'tcp://user@127.0.0.1:8081',
    'http://127.0.0.1:8081',
    'not a uri',
  ];
  for (const address of bad) {
    it(`refuses ${address}`, () =>
      assert.throws(() => workloadApiTarget(address), { code: 'client.invalid_option' }));
  }
});
