// Login with the TLS client certificate of the connection, on the broker's own HTTPS listener:
// the same validation and mapping as an X.509 assertion (the same principal, the same codes for
// the same broken certificates), no subject_token, and never on a connection that did not present
// a certificate. Clients are raw TLS connections, so a test decides the certificate, the chain and
// the session resumption it tries.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { X509_ASSERTION_TOKEN_TYPE } from '@rolegate/core';
import {
  type BrokenSvidName,
  createTestCa,
  issueServerCert,
  type TestLeaf,
} from '@rolegate/testkit';
import { decodeJwt } from 'jose';
import { SVID_CODES } from './support/expected-codes.ts';
import {
  CORP_ROLE,
  createX509Fixture,
  SPIFFE_ROLE,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { tlsPost } from './support/tls-post.ts';
import { assertionFor, startX509Harness, type X509Harness } from './support/x509-harness.ts';

const TLS_TYPE = 'urn:rolegate:token-type:tls-client-certificate';
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AUDIENCE = 'https://billing.example';
const tlsForm = { grant_type: GRANT, subject_token_type: TLS_TYPE, audience: AUDIENCE };

const f: X509Fixture = createX509Fixture();
let h: X509Harness;
let ca: string;

before(async () => {
  const serverCa = await createTestCa();
  const server = await issueServerCert(serverCa, { hosts: ['127.0.0.1'] });
  const dir = f.dir;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${dir}/server.pem`, server.certPem);
  writeFileSync(`${dir}/server.key`, server.keyPem);
  ca = serverCa.certPem;
  h = await startX509Harness(f, {
    listen: {
      host: '127.0.0.1',
      port: 0,
      tls: { certFile: `${dir}/server.pem`, keyFile: `${dir}/server.key` },
    },
  });
});
after(async () => {
  await h.close();
  f.cleanup();
});

const withCertificate = (leaf: TestLeaf) => ({
  ca,
  cert: leaf.chainPem,
  key: leaf.key.privateKeyPem,
});

describe('TLS client-certificate login', () => {
  it('listens with HTTPS', () => {
    assert.match(h.brokerUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives an X.509-SVID the principal an assertion with the same certificate gets', async () => {
    const leaf = f.svids.valid;
    const overTls = await tlsPost(h.brokerUrl, '/v1/token', tlsForm, withCertificate(leaf));
    assert.equal(overTls.status, 200, JSON.stringify(overTls.body));
    const viaAssertion = await tlsPost(
      h.brokerUrl,
      '/v1/token',
      {
        ...tlsForm,
        subject_token_type: X509_ASSERTION_TOKEN_TYPE,
        subject_token: await assertionFor(leaf),
      },
      { ca },
    );
    assert.equal(viaAssertion.status, 200, JSON.stringify(viaAssertion.body));
    const a = decodeJwt(String(overTls.body.access_token));
    const b = decodeJwt(String(viaAssertion.body.access_token));
    assert.equal(a.sub, SPIFFE_ROLE);
    assert.deepEqual(a.rolegate, b.rolegate);
    const claims = a.rolegate as { method: string; tags: Record<string, string> };
    assert.equal(claims.method, 'x509');
    assert.equal(claims.tags['x509SAN/URI'], `spiffe://${f.svids.trustDomain}/workload`);
    assert.ok(Number(a.exp) * 1000 <= leaf.notAfter.getTime());
  });

  it('maps a plain client certificate through its trust anchor', async () => {
    const answer = await tlsPost(
      h.brokerUrl,
      '/v1/token',
      tlsForm,
      withCertificate(f.clients.valid),
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(decodeJwt(String(answer.body.access_token)).sub, CORP_ROLE);
  });

  it('refuses a connection without a client certificate (no downgrade to anything)', async () => {
    const answer = await tlsPost(h.brokerUrl, '/v1/token', tlsForm, { ca });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.rolegate_code, 'cert.not_presented');
    assert.equal(answer.body.access_token, undefined);
  });

  it('refuses a subject_token beside the certificate', async () => {
    const answer = await tlsPost(
      h.brokerUrl,
      '/v1/token',
      { ...tlsForm, subject_token: 'anything' },
      withCertificate(f.svids.valid),
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.rolegate_code, 'request.unexpected_parameter');
  });

  it('still takes the other logins on the TLS listener, with or without a certificate', async () => {
    const answer = await tlsPost(
      h.brokerUrl,
      '/v1/token',
      { ...tlsForm, subject_token_type: X509_ASSERTION_TOKEN_TYPE },
      withCertificate(f.svids.valid),
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.rolegate_code, 'request.missing_parameter');
  });

  it('needs the intermediates: a leaf sent alone does not reach the anchor', async () => {
    const leaf = f.svids.valid;
    const answer = await tlsPost(h.brokerUrl, '/v1/token', tlsForm, {
      ca,
      cert: leaf.pem,
      key: leaf.key.privateKeyPem,
    });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.rolegate_code, 'cert.untrusted');
  });

  it('validates the full chain again on a second connection that tries to resume the first', async () => {
    const first = await tlsPost(h.brokerUrl, '/v1/token', tlsForm, withCertificate(f.svids.valid));
    assert.equal(first.status, 200);
    const second = await tlsPost(h.brokerUrl, '/v1/token', tlsForm, {
      ...withCertificate(f.svids.valid),
      session: first.session,
    });
    // Resumed sessions keep the leaf but lose the intermediates: the broker issues no tickets.
    assert.equal(second.resumed, false);
    assert.equal(second.status, 200, JSON.stringify(second.body));
  });

  it('refuses renegotiation, so the certificate cannot change inside a connection', async () => {
    const { hostname, port } = new URL(h.brokerUrl);
    const socket = connect({
      host: hostname,
      port: Number(port),
      ...withCertificate(f.svids.valid),
      maxVersion: 'TLSv1.2',
    });
    await once(socket, 'secureConnect');
    // The broker drops the connection (Fastify first writes a 400): the request after the new
    // handshake is never answered.
    const outcome = new Promise<string>((resolve) => {
      socket.once('error', () => resolve('error'));
      socket.once('close', () => resolve('closed'));
      socket.once('data', (data: Buffer) => resolve(data.toString('latin1').slice(0, 12)));
      setTimeout(() => resolve('still open'), 5_000).unref();
    });
    socket.renegotiate({}, () => {
      if (!socket.destroyed) socket.write('GET /healthz HTTP/1.1\r\nHost: broker\r\n\r\n');
    });
    assert.match(await outcome, /^(error|closed|HTTP\/1\.1 400)$/);
    const closed = await Promise.race([
      once(socket, 'close').then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(socket.destroyed), 5_000).unref()),
    ]);
    assert.equal(closed, true, 'the broker closes the connection');
    socket.destroy();
  });

  // Broken SVIDs a TLS stack will still present: each refused with the assertion's code.
  const PRESENTABLE: BrokenSvidName[] = [
    'expired',
    'notYetValid',
    'intermediateExpired',
    'leafCaTrue',
    'leafNoDigitalSignature',
    'twoUriSans',
    'rootSpiffeId',
    'unknownTrustDomain',
    'foreignTrustDomain',
    'badSignature',
    'noUriSan',
    'leafEkuServerAuthOnly',
  ];
  for (const name of PRESENTABLE) {
    it(`refuses the broken SVID ${name} with ${SVID_CODES[name]}`, async () => {
      const answer = await tlsPost(
        h.brokerUrl,
        '/v1/token',
        tlsForm,
        withCertificate(f.svids.broken[name]),
      );
      assert.equal(answer.status, 401, JSON.stringify(answer.body));
      assert.equal(answer.body.rolegate_code, SVID_CODES[name]);
      assert.equal(answer.body.access_token, undefined);
    });
  }

  it('refuses revoked certificates on the TLS path too', async () => {
    const answer = await tlsPost(
      h.brokerUrl,
      '/v1/token',
      tlsForm,
      withCertificate(f.svids.broken.revoked),
    );
    assert.equal(answer.status, 401);
    assert.equal(answer.body.rolegate_code, 'cert.revoked');
  });
});

describe('TLS client-certificate login without a TLS listener', () => {
  it('is an unsupported token type on plain HTTP', async () => {
    const plain = await startX509Harness(f);
    try {
      const answer = await plain.exchange(tlsForm);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.rolegate_code, 'request.unsupported_token_type');
    } finally {
      await plain.close();
    }
  });
});
