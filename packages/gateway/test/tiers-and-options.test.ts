// Lattice's two tiers (service network + service: each must Allow, any Deny wins), the network
// tier on a NONE service, forwarded tokens, organization ids, 100-continue, and an HTTPS listener.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestCa, issueServerCert } from '@rolegate/testkit';
import { type Backend, startBackend } from './support/backend.ts';
import { BILLING_AUDIENCE, billingPolicy } from './support/fixture.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';
import { collect, openSocket, send } from './support/raw-http.ts';
import {
  ACCOUNT,
  claims,
  createTokenKit,
  ISSUER,
  SESSION_ARN,
  type TokenKit,
} from './support/tokens.ts';

// The network lets in only authenticated callers of the organization, and never DELETE.
const networkPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
        StringNotEqualsIgnoreCase: { 'aws:PrincipalType': 'anonymous' },
      },
    },
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: '*',
      Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'DELETE' } },
    },
  ],
};

describe('service network tier and service options', () => {
  let backend: Backend;
  let kit: TokenKit;
  let gw: RunningGateway;
  let tlsGw: RunningGateway;
  let caPem: string;
  let dir: string;
  let token: string;

  before(async () => {
    backend = await startBackend();
    kit = await createTokenKit();
    dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-tls-'));
    const ca = await createTestCa();
    const cert = await issueServerCert(ca, { hosts: ['billing.example', '127.0.0.1'] });
    caPem = ca.certPem;
    writeFileSync(join(dir, 'cert.pem'), cert.chainPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    const services = [
      {
        name: 'billing',
        listener: { hosts: ['billing.example'] },
        upstreams: [backend.url],
        audiences: [BILLING_AUDIENCE],
        policy: billingPolicy,
        forwardToken: true,
      },
      {
        name: 'status',
        listener: { hosts: ['status.example'] },
        upstreams: [backend.url],
        authType: 'NONE' as const,
      },
    ];
    const common = {
      jwt: { issuer: ISSUER, jwksFile: kit.jwksFile },
      serviceNetwork: {
        arn: 'arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0abc',
        policy: networkPolicy,
      },
      orgIds: { [ACCOUNT]: 'o-abcdefghij' },
      services,
    };
    gw = await startGateway(common);
    tlsGw = await startGateway({
      ...common,
      listeners: [
        {
          host: '127.0.0.1',
          port: 0,
          tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
        },
      ],
    });
    token = await kit.sign(claims(BILLING_AUDIENCE));
  });
  after(async () => {
    await gw.close();
    await tlsGw.close();
    await backend.close();
    kit.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (host: string, path: string, method = 'GET', auth = true) =>
    send(gw.url, {
      method,
      path,
      headers: { host, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    });

  it('needs both tiers to Allow', async () => {
    assert.equal((await call('billing.example', '/invoices/1')).status, 200);
    // The service allows anonymous callers on /public, the network does not.
    assert.equal((await call('billing.example', '/public/x', 'GET', false)).status, 401);
  });

  it('lets an explicit Deny in the network tier win over a service Allow', async () => {
    const reply = await call('billing.example', '/invoices/1', 'DELETE');
    assert.equal(reply.status, 403);
    assert.equal(reply.json().rolegate_code, 'request.denied');
  });

  it('applies the network tier to a NONE service, and sends it the identity', async () => {
    const before = backend.seen.length;
    assert.equal((await call('status.example', '/health', 'GET', false)).status, 401);
    const reply = await send(gw.url, {
      path: '/health',
      headers: {
        host: 'status.example',
        authorization: `Bearer ${await kit.sign(claims('arn:rolegate:lattice:::service/status'))}`,
      },
    });
    assert.equal(reply.status, 200);
    const seen = backend.seen[before]!;
    assert.match(
      String(seen.headers['x-rolegate-identity']),
      /^Principal=.*; PrincipalOrgID=o-abcdefghij; /,
    );
    assert.equal(seen.headers.authorization, undefined, 'read by the gateway, so not passed on');
  });

  it('forwards the verified token when the service asks, with PrincipalOrgID in the identity', async () => {
    const before = backend.seen.length;
    assert.equal((await call('billing.example', '/invoices/2')).status, 200);
    const seen = backend.seen[before]!;
    assert.equal(seen.headers.authorization, `Bearer ${token}`);
    assert.equal(
      seen.headers['x-rolegate-identity'],
      `Principal=${SESSION_ARN}; PrincipalOrgID=o-abcdefghij; SessionName=orders-1; Type=AssumedRole`,
    );
  });

  it('answers Expect: 100-continue with a refusal before the body is sent', async () => {
    const before = backend.seen.length;
    const socket = await openSocket(gw.url);
    const answer = collect(socket, 2_000);
    socket.write(
      'POST /invoices/1 HTTP/1.1\r\nHost: billing.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n',
    );
    const reply = await answer;
    assert.equal(reply.status, 401);
    assert.ok(!reply.text.includes('100 Continue'));
    assert.equal(backend.seen.length, before);
  });

  it('answers Expect: 100-continue with 100 Continue once admitted, then forwards the body', async () => {
    const before = backend.seen.length;
    const socket = await openSocket(gw.url);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('100 Continue') && !text.includes('hello')) socket.write('hello');
    });
    socket.write(
      `POST /echo-body HTTP/1.1\r\nHost: billing.example\r\nAuthorization: Bearer ${token}\r\n` +
        'Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    assert.match(text, /\r\n\r\n(5\r\n)?hello(\r\n0\r\n\r\n)?$/);
    assert.equal(backend.seen[before]!.body.toString(), 'hello');
  });

  it('serves HTTPS, and tells the backend so (x-forwarded-proto https)', async () => {
    const before = backend.seen.length;
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(tlsGw.url);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/invoices/3',
          ca: caPem,
          headers: { host: 'billing.example', authorization: `Bearer ${token}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.equal(backend.seen[before]!.headers['x-forwarded-proto'], 'https');
  });
});
