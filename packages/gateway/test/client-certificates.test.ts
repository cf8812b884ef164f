// TLS client certificates as callers (the `x509` section): an HTTPS listener asks for a
// certificate, validates it with the broker's own rules and maps it to the principal a broker
// token from that certificate would name, so a Lattice policy on `aws:PrincipalTag/x509SAN/URI`
// decides on it unchanged. A failing certificate is a 401, never an anonymous caller; an
// Authorization header, when sent, decides instead of the certificate; a reloaded trust source
// applies to connections already open.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import {
  createBrokenClients,
  createBrokenSvids,
  createTestCa,
  issueServerCert,
  type TestLeaf,
  writeSpiffeBundle,
} from '@rolegate/testkit';
import { parseGatewayConfig } from '../src/index.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { accessLine, type RunningGateway, startGateway } from './support/gateway.ts';

const SPIFFE_ROLE = 'arn:aws:iam::111122223333:role/spiffe-workload';
const CORP_ROLE = 'arn:aws:iam::111122223333:role/corp-client';
const svids = createBrokenSvids();
const clients = createBrokenClients({ spiffeCa: svids.intermediate });
const WORKLOAD = `spiffe://${svids.trustDomain}/workload`;

// Lattice's SPIFFE walkthrough policy: only this workload may call billing.
const billingPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/x509SAN/URI': WORKLOAD } },
    },
  ],
};

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
}

describe('TLS client certificates as callers', () => {
  let backend: Backend;
  let gw: RunningGateway;
  let dir: string;
  let caPem: string;
  let bundleFile: string;

  before(async () => {
    backend = await startBackend();
    dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-mtls-'));
    const ca = await createTestCa();
    const server = await issueServerCert(ca, { hosts: ['billing.example', '127.0.0.1'] });
    caPem = ca.certPem;
    writeFileSync(join(dir, 'cert.pem'), server.chainPem);
    writeFileSync(join(dir, 'key.pem'), server.keyPem);
    bundleFile = join(dir, 'bundle.json');
    writeFileSync(bundleFile, writeSpiffeBundle({ x509Authorities: svids.anchors, sequence: 1 }));
    writeFileSync(join(dir, 'crl.pem'), svids.crls.map((c) => c.pem).join(''));
    writeFileSync(join(dir, 'corp.pem'), clients.anchors.map((a) => a.pem).join(''));
    gw = await startGateway({
      listeners: [
        {
          host: '127.0.0.1',
          port: 0,
          tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
        },
      ],
      x509: {
        trustDomains: [{ name: svids.trustDomain, bundleFile, crlFiles: [join(dir, 'crl.pem')] }],
        trustAnchors: [{ name: 'corp', caFile: join(dir, 'corp.pem') }],
        profiles: [
          { name: 'spiffe', trustDomain: svids.trustDomain, roleArn: SPIFFE_ROLE },
          { name: 'corp', trustAnchor: 'corp', roleArn: CORP_ROLE },
        ],
      },
      services: [
        {
          name: 'billing',
          listener: { hosts: ['billing.example'] },
          upstreams: [backend.url],
          audiences: ['https://billing.example'],
          policy: billingPolicy,
        },
      ],
    });
  });
  after(async () => {
    await gw?.close();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One GET /invoices, over `agent` (keep-alive) or a connection of its own. */
  function get(
    leaf: TestLeaf | undefined,
    options: { agent?: Agent; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const { port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          path: '/invoices',
          headers: { host: 'billing.example', ...options.headers },
          ca: caPem,
          ...(options.agent
            ? { agent: options.agent }
            : { agent: false, cert: leaf?.chainPem, key: leaf?.key.privateKeyPem }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: Record<string, unknown> = {};
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {}
            resolve({
              status: res.statusCode ?? 0,
              body,
              requestId: res.headers['x-rolegate-request-id'] as string | undefined,
            });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  const keepAlive = (leaf: TestLeaf) =>
    new Agent({
      keepAlive: true,
      maxSockets: 1,
      ca: caPem,
      cert: leaf.chainPem,
      key: leaf.key.privateKeyPem,
    });

  it('lets the SPIFFE workload in, as the principal its token would name', async () => {
    const answer = await get(svids.valid);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const seen = backend.seen.at(-1)!;
    const identity = String(seen.headers['x-rolegate-identity']);
    assert.match(identity, /Principal=arn:aws:sts::111122223333:assumed-role\/spiffe-workload\//);
    assert.ok(String(seen.headers['x-rolegate-identity-tags']).includes(WORKLOAD));
  });

  it('decides by the policy: a valid corporate certificate is a principal the policy denies', async () => {
    const answer = await get(clients.valid);
    assert.equal(answer.status, 403);
    assert.equal(answer.body.rolegate_code, 'request.denied');
  });

  it('treats a connection without a certificate as anonymous', async () => {
    const answer = await get(undefined);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.rolegate_code, 'token.missing');
  });

  for (const name of ['expired', 'foreignTrustDomain', 'twoUriSans', 'badSignature'] as const) {
    it(`refuses the broken SVID ${name} with a 401, never as anonymous`, async () => {
      const answer = await get(svids.broken[name]);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.rolegate_code, 'certificate.invalid');
      const line = accessLine(gw, answer.requestId ?? null);
      assert.ok(line, 'an access line for the refusal');
      assert.match(String(line.reason), /^(cert|spiffe)\./);
      assert.equal(
        backend.seen.filter((s) => s.headers['x-rolegate-request-id'] === answer.requestId).length,
        0,
      );
    });
  }

  it('names the precise reason in the log', async () => {
    const answer = await get(svids.broken.revoked);
    assert.equal(answer.status, 401);
    const lines = gw
      .logText()
      .split('\n')
      .filter((l) => l.includes(String(answer.requestId)));
    assert.ok(
      lines.some((l) => l.includes('cert.revoked')),
      lines.join('\n'),
    );
  });

  it('lets an Authorization header decide over the certificate (no rescue by the certificate)', async () => {
    const answer = await get(undefined, {
      agent: keepAlive(svids.valid),
      headers: { authorization: 'Bearer not-a-token' },
    });
    assert.equal(answer.status, 401);
    assert.notEqual(answer.body.rolegate_code, 'certificate.invalid');
  });

  it('serves many requests on one connection, and applies a reloaded bundle to it', async () => {
    const agent = keepAlive(svids.valid);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await get(undefined, { agent })).status, 200);
      // The trust domain's bundle now trusts nothing (an empty key set revokes everything).
      writeFileSync(bundleFile, writeSpiffeBundle({ x509Authorities: [], sequence: 2 }));
      let status = 200;
      for (let i = 0; i < 60 && status === 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await get(undefined, { agent })).status;
      }
      assert.equal(status, 401, 'the open connection is refused after the reload');
    } finally {
      writeFileSync(bundleFile, writeSpiffeBundle({ x509Authorities: svids.anchors, sequence: 3 }));
      agent.destroy();
    }
    let status = 401;
    for (let i = 0; i < 60 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await get(svids.valid)).status;
    }
    assert.equal(status, 200, 'trusted again once the bundle is back');
  });

  it('drops a connection that tries to renegotiate', async () => {
    const { port } = new URL(gw.url);
    const socket = connect({
      host: '127.0.0.1',
      port: Number(port),
      ca: caPem,
      cert: svids.valid.chainPem,
      key: svids.valid.key.privateKeyPem,
      maxVersion: 'TLSv1.2',
    });
    await once(socket, 'secureConnect');
    const outcome = new Promise<string>((resolve) => {
      socket.once('error', () => resolve('error'));
      socket.once('close', () => resolve('closed'));
      socket.once('data', (data: Buffer) => resolve(data.toString('latin1').slice(0, 12)));
      setTimeout(() => resolve('still open'), 5_000).unref();
    });
    socket.renegotiate({}, () => {
      if (!socket.destroyed)
        socket.write('GET /invoices HTTP/1.1\r\nHost: billing.example\r\n\r\n');
    });
    assert.match(await outcome, /^(error|closed|HTTP\/1\.1 400)$/);
    socket.destroy();
  });
});

describe('x509 configuration', () => {
  const base = {
    services: [{ name: 'a', upstreams: ['http://127.0.0.1:1'], authType: 'NONE' as const }],
  };
  const x509 = {
    trustAnchors: [{ name: 'corp', caFile: '/nonexistent.pem' }],
    profiles: [{ name: 'corp', trustAnchor: 'corp', roleArn: CORP_ROLE }],
  };

  it('needs a TLS listener', () => {
    assert.throws(
      () => parseGatewayConfig({ ...base, x509 }),
      /client certificates need a listener with tls/,
    );
  });

  it('refuses a token lifetime on a profile (the gateway issues no tokens)', () => {
    assert.throws(
      () =>
        parseGatewayConfig({
          ...base,
          listeners: [{ tls: { certFile: 'c', keyFile: 'k' } }],
          x509: { ...x509, profiles: [{ ...x509.profiles[0]!, ttlSeconds: 300 }] },
        }),
      /ttlSeconds does not apply/,
    );
  });

  it('refuses a profile naming no trust source', () => {
    assert.throws(
      () =>
        parseGatewayConfig({
          ...base,
          listeners: [{ tls: { certFile: 'c', keyFile: 'k' } }],
          x509: { ...x509, profiles: [{ name: 'x', trustAnchor: 'nope', roleArn: CORP_ROLE }] },
        }),
      /no such trust anchor/,
    );
  });
});
