// The certificate → principal mapping pinned by expected output: principal tags exactly as IAM
// Roles Anywhere's default attribute mapping makes them, the session name (serial in hex) and the
// source identity — on the two real certificates of the Roles Anywhere golden vectors, and on
// test certificates that exercise every rule (multi-valued RDNs, first SAN only, drops).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createBrokenClients,
  createRootAuthority,
  type DistinguishedName,
  dn,
  type LeafOptions,
  RICH_SUBJECT,
  rawExtension,
} from '@rolegate/testkit';
import { parseCertificate, serialHex } from '../../src/x509/certificate.ts';
import { sourceIdentity } from '../../src/x509/certificate-principal.ts';
import { certificateTags } from '../../src/x509/tags.ts';

// ../shared/vectors beside the checkout, as CI has it; a copy in fixtures/ where it is absent.
const shared = new URL('../../../../../shared/vectors/roles-anywhere-golden.md', import.meta.url);
const vectors = readFileSync(
  existsSync(shared) ? shared : new URL('./fixtures/roles-anywhere-golden.md', import.meta.url),
  'utf8',
);
const golden = [...vectors.matchAll(/`X-Amz-X509`:\n```\n([A-Za-z0-9+/=]+)\n```/g)].map((m) =>
  parseCertificate(new Uint8Array(Buffer.from(m[1]!, 'base64'))),
);

describe('Roles Anywhere golden certificates', () => {
  it('both certificates are in the vectors file', () => assert.equal(golden.length, 2));

  it('RSA vector: subject, issuer and the first DNS name', () => {
    const cert = golden[0]!;
    assert.deepEqual(certificateTags(cert), {
      tags: {
        'x509Subject/L': 'US',
        'x509Subject/O': 'Google',
        'x509Subject/OU': 'Enterprise',
        'x509Subject/CN': 'alice-cert.domain.com',
        'x509Issuer/C': 'US',
        'x509Issuer/O': 'Google',
        'x509Issuer/OU': 'Enterprise',
        'x509Issuer/CN': 'Single Root CA',
        'x509SAN/DNS': 'alice-cert.domain.com',
      },
      dropped: [],
    });
    // The vector's credential uses the decimal serial 21; the session name is its hex, 15.
    assert.equal(serialHex(cert.serial), '15');
    assert.equal(sourceIdentity(cert), 'CN=alice-cert.domain.com');
  });

  it('ECDSA vector: no SAN, no SAN tags', () => {
    const cert = golden[1]!;
    assert.deepEqual(certificateTags(cert).tags, {
      'x509Subject/C': 'US',
      'x509Subject/O': 'Google',
      'x509Subject/OU': 'Enterprise',
      'x509Subject/CN': 'alice-cert.domain.com',
      'x509Issuer/C': 'US',
      'x509Issuer/O': 'Google',
      'x509Issuer/OU': 'Enterprise',
      'x509Issuer/CN': 'Enterprise Root CA',
    });
    assert.equal(serialHex(cert.serial), '03');
  });
});

const ca = createRootAuthority({ subject: dn(['C', 'US'], ['O', 'Acme'], ['CN', 'Acme Root']) });
const leaf = (subject: DistinguishedName, options: LeafOptions = {}) =>
  parseCertificate(ca.issueLeaf({ subject, ...options }).der);

describe('tag mapping', () => {
  it('a certificate rich in names (expected output)', () => {
    const cert = parseCertificate(createBrokenClients().richNames.der);
    assert.deepEqual(certificateTags(cert), {
      tags: {
        'x509Subject/C': 'US',
        'x509Subject/ST': 'Washington',
        'x509Subject/L': 'Seattle',
        'x509Subject/O': 'Acme',
        // Two OU attributes: joined with `/` in certificate order.
        'x509Subject/OU': 'payments/billing',
        'x509Subject/CN': 'orders-client',
        'x509Subject/UID': 'u-1234',
        'x509Issuer/O': 'Acme',
        'x509Issuer/CN': 'Acme Issuing',
        // The first DNS name and the first URI only; e-mail SANs are not mapped.
        'x509SAN/DNS': 'orders.example.com',
        'x509SAN/URI': 'https://orders.example.com/id',
        // The first directoryName's attributes.
        'x509SAN/Name/O': 'Acme',
        'x509SAN/Name/OU': 'team-a/team-b',
        'x509SAN/Name/CN': 'dir-orders',
      },
      dropped: [],
    });
    assert.equal(RICH_SUBJECT.length, 8);
  });

  it('several values in one multi-valued RDN keep their encoded order', () => {
    const cert = leaf([
      [['O', 'Acme']],
      [
        ['OU', 'a'],
        ['OU', 'b'],
      ],
      [['CN', 'x']],
    ]);
    const tags = certificateTags(cert).tags;
    // DER sorts the SET OF by encoding; whatever order that gives, it is the certificate's.
    const encoded = cert.subject.rdns[1]!.map((a) => a.value).join('/');
    assert.equal(tags['x509Subject/OU'], encoded);
    assert.deepEqual(encoded.split('/').sort(), ['a', 'b']);
  });

  it('a SPIFFE ID becomes x509SAN/URI', () => {
    const cert = parseCertificate(ca.issueSvid('spiffe://example.org/ns/prod/sa/orders').der);
    assert.equal(
      certificateTags(cert).tags['x509SAN/URI'],
      'spiffe://example.org/ns/prod/sa/orders',
    );
  });

  it('letters, numbers and separators of any script are kept', () => {
    const tags = certificateTags(
      leaf(dn(['O', 'Zoë Ωmega 名前 ٣'], ['CN', 'a_b.c:d/e=f+g-h@i'])),
    ).tags;
    assert.equal(tags['x509Subject/O'], 'Zoë Ωmega 名前 ٣');
    assert.equal(tags['x509Subject/CN'], 'a_b.c:d/e=f+g-h@i');
  });

  it('values STS would refuse are dropped and reported, never altered', () => {
    const long = 'x'.repeat(257);
    const { tags, dropped } = certificateTags(
      leaf(dn(['O', 'Acme, Inc.'], ['OU', long], ['L', 'a\nb'], ['ST', 'x#y'], ['CN', 'ok']), {
        sans: [{ dns: 'good.example.com' }, { uri: 'https://x.test/?q="1"' }],
      }),
    );
    assert.deepEqual(tags, {
      'x509Subject/CN': 'ok',
      'x509Issuer/C': 'US',
      'x509Issuer/O': 'Acme',
      'x509Issuer/CN': 'Acme Root',
      'x509SAN/DNS': 'good.example.com',
    });
    assert.deepEqual(dropped.map((d) => `${d.key}: ${d.reason}`).sort(), [
      'x509SAN/URI: characters',
      'x509Subject/L: characters',
      'x509Subject/O: characters',
      'x509Subject/OU: length',
      'x509Subject/ST: characters',
    ]);
  });

  it('exactly 256 characters is kept; the limit counts characters, not bytes', () => {
    const tags = certificateTags(leaf(dn(['O', 'é'.repeat(256)]))).tags;
    assert.equal(tags['x509Subject/O'], 'é'.repeat(256));
  });

  it('a joined value over 256 characters is dropped as a whole', () => {
    const { tags, dropped } = certificateTags(
      leaf(dn(['OU', 'a'.repeat(200)], ['OU', 'b'.repeat(60)])),
    );
    assert.equal(tags['x509Subject/OU'], undefined);
    assert.deepEqual(dropped, [{ key: 'x509Subject/OU', reason: 'length' }]);
  });

  it('attribute types outside the mapping are ignored (e-mail, unknown OIDs)', () => {
    const tags = certificateTags(
      leaf(dn(['emailAddress', 'a@example.com'], ['1.2.3.4.5', 'x'], ['CN', 'c'])),
    ).tags;
    assert.deepEqual(
      Object.keys(tags).filter((k) => k.startsWith('x509Subject/')),
      ['x509Subject/CN'],
    );
  });

  it('an empty subject gives no subject tags', () => {
    const cert = leaf([], { sans: [{ uri: 'spiffe://example.org/a' }], sanCritical: true });
    assert.deepEqual(Object.keys(certificateTags(cert).tags).sort(), [
      'x509Issuer/C',
      'x509Issuer/CN',
      'x509Issuer/O',
      'x509SAN/URI',
    ]);
  });

  it('ignores the unknown extension it is given, and SANs of other kinds', () => {
    const cert = leaf(dn(['CN', 'c']), {
      sans: [{ email: 'a@example.com' }, { ip: '10.0.0.1' }],
      extraExtensions: [rawExtension('1.3.6.1.4.1.99999.3', false, new Uint8Array([5, 0]))],
    });
    assert.deepEqual(
      Object.keys(certificateTags(cert).tags).filter((k) => k.startsWith('x509SAN')),
      [],
    );
  });
});

describe('source identity and session name', () => {
  const si = (cn: string | undefined, serial = 0xab12n) =>
    sourceIdentity(leaf(cn === undefined ? dn(['O', 'Acme']) : dn(['CN', cn]), { serial }));
  it('CN=<cn> up to 61 characters', () => assert.equal(si('a'.repeat(61)), `CN=${'a'.repeat(61)}`));
  it('<cn> alone from 62 to 64', () => {
    assert.equal(si('b'.repeat(62)), 'b'.repeat(62));
    assert.equal(si('b'.repeat(64)), 'b'.repeat(64));
  });
  it('ID=<serial hex> beyond 64, without a CN, or when the CN has other characters', () => {
    assert.equal(si('c'.repeat(65)), 'ID=ab12');
    assert.equal(si(undefined), 'ID=ab12');
    assert.equal(si('has space'), 'ID=ab12');
  });
  it('the serial is written in lower-case hex of even length, without the sign octet', () => {
    assert.equal(si(undefined, 0x5n), 'ID=05');
    assert.equal(si(undefined, 0x80ffn), 'ID=80ff');
    assert.equal(serialHex(new Uint8Array([0x00, 0x80, 0xff])), '80ff');
  });
});
