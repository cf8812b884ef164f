// The test CA and its server certificates, checked with Node's own X.509 parser.
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createTestCa, issueServerCert } from '../src/index.ts';

test('createTestCa makes a self-signed CA certificate', async () => {
  const ca = await createTestCa({ commonName: 'unit test CA' });
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, cert.issuer);
  assert.equal(cert.subject, 'CN=unit test CA');
  assert.ok(cert.verify(cert.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  assert.ok(new Date(cert.validTo).getTime() > Date.now());
});

test('issueServerCert chains to the CA and names DNS and IP hosts apart', async () => {
  const ca = await createTestCa();
  const now = new Date('2026-03-04T00:00:00Z');
  const leaf = await issueServerCert(ca, {
    hosts: ['sts.amazonaws.com', 'localhost', '127.0.0.1', '::1'],
    validityDays: 2,
    now,
  });
  const caCert = new X509Certificate(ca.certPem);
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(leaf.keyPem)));
  assert.equal(cert.checkHost('sts.amazonaws.com'), 'sts.amazonaws.com');
  assert.equal(cert.checkHost('sts.eu-west-1.amazonaws.com'), undefined);
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.ok(cert.checkIP('::1'));
  assert.equal(cert.checkIP('127.0.0.2'), undefined);
  assert.equal(cert.subjectAltName?.includes('DNS:127.0.0.1'), false);
  assert.equal(new Date(cert.validTo).toISOString(), '2026-03-06T00:00:00.000Z');
  assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'serverAuth');
  assert.equal(leaf.chainPem.includes(ca.certPem), true);
});

test('names with DN syntax characters are refused, not mangled', async () => {
  await assert.rejects(createTestCa({ commonName: 'unit, test "CA"' }), TypeError);
});

test('issueServerCert needs a host and a positive validity', async () => {
  const ca = await createTestCa();
  await assert.rejects(issueServerCert(ca, { hosts: [] }), TypeError);
  await assert.rejects(issueServerCert(ca, { hosts: ['a.test'], validityDays: 0 }), TypeError);
});
