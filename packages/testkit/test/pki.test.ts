// The test PKI: chains that Node's own X.509 code accepts, broken variants that are broken exactly
// as named (checked with an independent reader, asn1-x509 or node:crypto), CRLs, SPIFFE bundles,
// JWT-SVIDs and X.509 login assertions that jose verifies.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, Certificate, CertificateList } from '@peculiar/asn1-x509';
import { compactVerify, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  BROKEN_CLIENT_NAMES,
  BROKEN_SVID_NAMES,
  createBrokenClients,
  createBrokenSvids,
  createJwtSvidIssuer,
  createRootAuthority,
  dn,
  generateTestKey,
  ODD_BUT_VALID_SVID_NAMES,
  signX509Assertion,
  spiffeBundle,
  TEST_KEY_TYPES,
  writeSpiffeBundleMap,
} from '../src/index.ts';

const asn = (der: Uint8Array) => AsnConvert.parse(der, Certificate);
const svids = createBrokenSvids();
const clients = createBrokenClients();

describe('authorities and leaves', () => {
  it('root → intermediate → SVID verifies with node:crypto, leaf first in x5c', () => {
    const root = createRootAuthority({ subject: dn(['CN', 'r']) });
    const mid = root.createIntermediate({ pathLen: 0 });
    const leaf = mid.issueSvid('spiffe://example.org/a');
    const [r, m, l] = [root, mid, leaf].map((c) => new X509Certificate(c.der)) as [
      X509Certificate,
      X509Certificate,
      X509Certificate,
    ];
    assert.ok(r.verify(r.publicKey) && m.verify(r.publicKey) && l.verify(m.publicKey));
    assert.ok(m.ca && !l.ca);
    assert.equal(l.subjectAltName, 'URI:spiffe://example.org/a');
    assert.deepEqual(leaf.x5c, [leaf.base64, mid.base64]);
    assert.equal(leaf.chainPem, leaf.pem + mid.pem);
    assert.notEqual(
      mid.subject,
      root.createIntermediate().subject,
      'intermediates get names of their own',
    );
  });

  it('every key type generates, with its default JWS algorithm', () => {
    for (const type of TEST_KEY_TYPES.filter((t) => !t.startsWith('rsa-4096'))) {
      const key = generateTestKey(type);
      assert.equal(key.type, type);
      assert.ok(key.spki.length > 0 && key.privateKeyPem.includes('PRIVATE KEY'));
    }
    assert.equal(generateTestKey('ec-p384').jwsAlgorithm, 'ES384');
    assert.equal(generateTestKey('rsa-2048').jwsAlgorithm, 'RS256');
  });

  it('RSA-PSS and RSA PKCS#1 signed certificates verify', () => {
    const root = createRootAuthority({ keyType: 'rsa-2048', signatureAlgorithm: 'rsa-pss-sha256' });
    const cert = new X509Certificate(root.der);
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(asn(root.der).signatureAlgorithm.algorithm, '1.2.840.113549.1.1.10');
  });
});

describe('broken catalogues', () => {
  it('name every variant once', () => {
    assert.deepEqual(Object.keys(svids.broken).sort(), [...BROKEN_SVID_NAMES].sort());
    assert.deepEqual(Object.keys(svids.oddButValid).sort(), [...ODD_BUT_VALID_SVID_NAMES].sort());
    assert.deepEqual(Object.keys(clients.broken).sort(), [...BROKEN_CLIENT_NAMES].sort());
  });

  it('are broken the way their names say', () => {
    const b = svids.broken;
    const ext = (der: Uint8Array, oid: string) =>
      asn(der).tbsCertificate.extensions?.filter((e) => e.extnID === oid) ?? [];
    assert.equal(asn(b.sha1Signature.der).signatureAlgorithm.algorithm, '1.2.840.10045.4.1');
    assert.equal(asn(b.md5Signature.der).signatureAlgorithm.algorithm, '1.2.840.113549.1.1.4');
    assert.notEqual(
      asn(b.signatureAlgorithmMismatch.der).signatureAlgorithm.algorithm,
      asn(b.signatureAlgorithmMismatch.der).tbsCertificate.signature.algorithm,
    );
    assert.equal(ext(b.duplicateExtension.der, '2.5.29.17').length, 2);
    assert.equal(ext(b.unknownCriticalExtension.der, '1.3.6.1.4.1.99999.1')[0]?.critical, true);
    assert.equal(b.trailingDerBytes.der.at(-1), 0);
    assert.deepEqual(
      new Uint8Array(asn(b.zeroSerial.der).tbsCertificate.serialNumber),
      new Uint8Array([0]),
    );
    assert.equal(
      new Uint8Array(asn(b.negativeSerial.der).tbsCertificate.serialNumber)[0]! & 0x80,
      0x80,
    );
    assert.equal(asn(b.versionOne.der).tbsCertificate.version, 0);
    // (node:crypto's `ca` also asks for keyCertSign, so basicConstraints is read directly.)
    const bc = ext(b.leafCaTrue.der, '2.5.29.19')[0]!;
    assert.equal(AsnConvert.parse(bc.extnValue.buffer, BasicConstraints).cA, true);
    assert.equal(new X509Certificate(b.twoUriSans.der).subjectAltName?.split(', ').length, 2);
    assert.ok(new Date(new X509Certificate(b.expired.der).validTo).getTime() < Date.now());
    assert.ok(new Date(new X509Certificate(b.notYetValid.der).validFrom).getTime() > Date.now());
    assert.equal(b.chainTooLong.x5c.length, 6);
    assert.equal(b.missingIntermediate.x5c.length, 1);
    assert.equal(b.rsa1024Leaf.key.type, 'rsa-1024');
    const leaf = new X509Certificate(b.badSignature.der);
    const issuer = new X509Certificate(svids.intermediate.der);
    assert.equal(leaf.verify(issuer.publicKey), false);
    assert.equal(asn(b.emptySubjectSanNotCritical.der).tbsCertificate.subject.length, 0);
  });

  it('odd but valid ones really are valid chains', () => {
    for (const name of ODD_BUT_VALID_SVID_NAMES) {
      const leaf = svids.oddButValid[name];
      assert.ok(leaf.x5c.length >= 1, name);
      assert.ok(new X509Certificate(leaf.der).ca === false, name);
    }
  });

  it('the CRLs revoke exactly the revoked serials', () => {
    const serials = svids.crls.flatMap((crl) =>
      (AsnConvert.parse(crl.der, CertificateList).tbsCertList.revokedCertificates ?? []).map((r) =>
        BigInt(`0x${Buffer.from(r.userCertificate).toString('hex')}`),
      ),
    );
    assert.deepEqual(
      serials.sort(),
      [svids.broken.revoked.serial, svids.broken.intermediateRevoked.chain[1]!.serial].sort(),
    );
  });
});

describe('SPIFFE bundles', () => {
  it('x509-svid entries with one x5c, jwt-svid entries with a kid, sequence and hint', () => {
    const jwt = createJwtSvidIssuer({ trustDomain: 'example.org', kid: 'k1' });
    const doc = spiffeBundle({
      x509Authorities: [svids.root],
      jwtAuthorities: [jwt],
      sequence: 3,
      refreshHint: 60,
    });
    assert.equal(doc.spiffe_sequence, 3);
    assert.equal(doc.spiffe_refresh_hint, 60);
    assert.deepEqual(
      doc.keys.map((k) => k['use']),
      ['x509-svid', 'jwt-svid'],
    );
    assert.deepEqual(doc.keys[0]!['x5c'], [svids.root.base64]);
    assert.equal(doc.keys[1]!['kid'], 'k1');
    assert.equal(doc.keys[1]!['d'], undefined, 'never the private key');
  });

  it('a bundle map keeps entries as given, duplicates included (for hostile tests)', () => {
    const text = writeSpiffeBundleMap([
      ['a.test', {}],
      ['a.test', {}],
    ]);
    assert.equal(text.match(/"a\.test"/g)?.length, 2);
  });
});

describe('JWT-SVIDs and X.509 assertions', () => {
  it('a JWT-SVID verifies with the issuer key and carries sub, aud, exp, kid', async () => {
    const issuer = createJwtSvidIssuer({ trustDomain: 'example.org' });
    const token = await issuer.issue({
      spiffeId: 'spiffe://example.org/a',
      audience: 'https://b.test',
      expiresIn: 120,
    });
    const { payload, protectedHeader } = await jwtVerify(token, issuer.publicKey, {
      audience: 'https://b.test',
    });
    assert.equal(payload.sub, 'spiffe://example.org/a');
    assert.equal(payload.exp! - payload.iat!, 120);
    assert.equal(protectedHeader.kid, issuer.kid);
    const bare = await issuer.issue({
      spiffeId: 'spiffe://example.org/a',
      audience: null,
      expiresIn: null,
      kid: null,
    });
    assert.equal(decodeJwt(bare).aud, undefined);
    assert.equal(decodeJwt(bare).exp, undefined);
    assert.equal(decodeProtectedHeader(bare).kid, undefined);
  });

  it('an assertion is signed by the leaf key, with x5c and a lifetime of 60 s', async () => {
    const token = await signX509Assertion({ leaf: svids.valid, audience: 'https://broker.test' });
    await compactVerify(token, svids.valid.key.publicKey);
    assert.deepEqual(decodeProtectedHeader(token).x5c, [...svids.valid.x5c]);
    const claims = decodeJwt(token);
    assert.equal(claims.aud, 'https://broker.test');
    assert.equal(claims.exp! - claims.iat!, 60);
    assert.match(claims.jti!, /^[0-9a-f-]{36}$/);
  });
});
