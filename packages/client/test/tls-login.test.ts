// The client side of the broker's TLS client-certificate login, against a real broker on an HTTPS
// listener: the SVID itself logs in (no assertion, no subject token), a chain given apart is sent
// along, and what cannot work is refused before connecting, with stable codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestCa, issueServerCert } from '@rolegate/testkit';
import { createX509Fixture, type X509Fixture } from '../../broker/test/x509/support/pki-fixture.ts';
import { startX509Harness, type X509Harness } from '../../broker/test/x509/support/x509-harness.ts';
import { requestTokenWithTlsCertificate } from '../src/index.ts';

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    rolegate: { method: string; tags: Record<string, string> };
  };

describe('TLS client-certificate login from the client', () => {
  const f: X509Fixture = createX509Fixture();
  let h: X509Harness;
  let ca: string;

  before(async () => {
    const serverCa = await createTestCa();
    const server = await issueServerCert(serverCa, { hosts: ['127.0.0.1'] });
    writeFileSync(join(f.dir, 'server.pem'), server.certPem);
    writeFileSync(join(f.dir, 'server.key'), server.keyPem);
    ca = serverCa.certPem;
    h = await startX509Harness(f, {
      listen: {
        host: '127.0.0.1',
        port: 0,
        tls: { certFile: join(f.dir, 'server.pem'), keyFile: join(f.dir, 'server.key') },
      },
    });
  });
  after(async () => {
    await h.close();
    f.cleanup();
  });

  it('logs in with the SVID and its chain given apart', async () => {
    const leaf = f.svids.valid;
    const token = await requestTokenWithTlsCertificate({
      brokerUrl: h.brokerUrl,
      audience: 'https://billing.example',
      certificate: leaf.pem,
      chain: leaf.chain
        .slice(1)
        .map((c) => c.pem)
        .join(''),
      privateKey: leaf.key.privateKeyPem,
      ca,
    });
    const claims = decode(token.accessToken);
    assert.equal(claims.rolegate.method, 'x509');
    assert.equal(claims.rolegate.tags['x509SAN/URI'], `spiffe://${f.svids.trustDomain}/workload`);
    assert.ok(token.expiresIn > 0);
  });

  it('reports the broker refusing an untrusted certificate with its code', async () => {
    const leaf = f.svids.broken.foreignTrustDomain;
    await assert.rejects(
      requestTokenWithTlsCertificate({
        brokerUrl: h.brokerUrl,
        audience: 'https://billing.example',
        certificate: leaf.chainPem,
        privateKey: leaf.key.privateKeyPem,
        ca,
      }),
      { code: 'client.broker_rejected', rolegateCode: 'cert.untrusted', status: 401 },
    );
  });

  it('refuses before connecting: a key that is not the leaf key, plain http, no certificate', async () => {
    const base = { audience: 'a', ca };
    await assert.rejects(
      requestTokenWithTlsCertificate({
        ...base,
        brokerUrl: h.brokerUrl,
        certificate: f.svids.valid.chainPem,
        privateKey: f.clients.valid.key.privateKeyPem,
      }),
      { code: 'client.certificate_invalid' },
    );
    await assert.rejects(
      requestTokenWithTlsCertificate({
        ...base,
        brokerUrl: 'http://127.0.0.1:1',
        certificate: f.svids.valid.chainPem,
        privateKey: f.svids.valid.key.privateKeyPem,
      }),
      { code: 'client.invalid_option' },
    );
    await assert.rejects(
      requestTokenWithTlsCertificate({
        ...base,
        brokerUrl: h.brokerUrl,
        certificate: '',
        privateKey: f.svids.valid.key.privateKeyPem,
      }),
      { code: 'client.certificate_invalid' },
    );
  });

  it('does not trust the broker without its CA', async () => {
    await assert.rejects(
      requestTokenWithTlsCertificate({
        brokerUrl: h.brokerUrl,
        audience: 'a',
        certificate: f.svids.valid.chainPem,
        privateKey: f.svids.valid.key.privateKeyPem,
      }),
      { code: 'client.broker_unreachable' },
    );
  });
});
