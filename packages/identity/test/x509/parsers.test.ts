// The strict readers underneath: base64 and base64url, DER certificates, SPIFFE IDs, signature
// algorithm identifiers, name constraints and the path builder's bounds — each tried with what
// lenient parsers let through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { id_mgf1, id_RSASSA_PSS, RsaSaPssParams, sha1, sha256 } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { decodeBase64Strict, decodeBase64urlStrict } from '@rolegate/core';
import {
  type AuthorityOptions,
  createRootAuthority,
  dn,
  type LeafOptions,
} from '@rolegate/testkit';
import { IdentityError } from '../../src/errors.ts';
import { signatureAlgorithm } from '../../src/x509/algorithms.ts';
import {
  MAX_CERTIFICATE_BYTES,
  parseCertificate,
  serialIsValid,
} from '../../src/x509/certificate.ts';
import { checkNameConstraints } from '../../src/x509/name-constraints.ts';
import { findPaths } from '../../src/x509/path-builder.ts';
import { parseSpiffeId } from '../../src/x509/spiffe-id.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof IdentityError, String(error));
    return error.code;
  }
};

describe('strict base64', () => {
  it('standard base64: padded, canonical, nothing else', () => {
    assert.deepEqual(decodeBase64Strict('AQID'), new Uint8Array([1, 2, 3]));
    assert.deepEqual(decodeBase64Strict('AQI='), new Uint8Array([1, 2]));
    for (const bad of ['AQI', 'AQJ=', 'AQ==AQ==', 'A QID', 'AQID\n', '-_8=', 'AQ=', '====']) {
      assert.equal(decodeBase64Strict(bad), undefined, JSON.stringify(bad));
    }
  });
  it('base64url: unpadded, canonical', () => {
    assert.deepEqual(decodeBase64urlStrict('AQI'), new Uint8Array([1, 2]));
    assert.deepEqual(decodeBase64urlStrict('-_8'), new Uint8Array([0xfb, 0xff]));
    for (const bad of ['AQI=', 'AQJ', 'A', '+/8', 'AQ I', 'AQI.']) {
      assert.equal(decodeBase64urlStrict(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('DER certificates', () => {
  const ca = createRootAuthority({ subject: dn(['CN', 'parser test']) });
  const der = ca.issueSvid('spiffe://example.org/a').der;

  it('a certificate parses into its parts', () => {
    const cert = parseCertificate(der);
    assert.equal(cert.version, 3);
    assert.equal(cert.fingerprint.length, 64);
    assert.equal(cert.extensions.subjectAltName?.names[0]?.kind, 'uri');
  });

  it('refuses trailing bytes, BER lengths, truncation, empty and oversized input', () => {
    assert.equal(
      code(() => parseCertificate(new Uint8Array([...der, 0, 0]))),
      'cert.malformed',
    );
    assert.equal(
      code(() => parseCertificate(der.subarray(0, der.length - 1))),
      'cert.malformed',
    );
    assert.equal(
      code(() => parseCertificate(new Uint8Array(0))),
      'cert.malformed',
    );
    assert.equal(
      code(() => parseCertificate(new Uint8Array(MAX_CERTIFICATE_BYTES + 1))),
      'cert.malformed',
    );
    // The outer length in a longer form than needed: valid BER, not DER.
    assert.equal(der[1], 0x82);
    const ber = new Uint8Array([0x30, 0x83, 0x00, der[2]!, der[3]!, ...der.subarray(4)]);
    assert.equal(
      code(() => parseCertificate(ber)),
      'cert.malformed',
    );
    // Indefinite length.
    const indefinite = new Uint8Array([0x30, 0x80, ...der.subarray(4), 0, 0]);
    assert.equal(
      code(() => parseCertificate(indefinite)),
      'cert.malformed',
    );
  });

  it('serial numbers: positive, at most 20 octets once the sign octet is set aside', () => {
    assert.equal(serialIsValid(new Uint8Array([1])), true);
    assert.equal(serialIsValid(new Uint8Array([0, 0x80])), true);
    assert.equal(serialIsValid(new Uint8Array([0, ...new Uint8Array(20).fill(0xff)])), true);
    assert.equal(serialIsValid(new Uint8Array(21).fill(0x11)), false);
    assert.equal(serialIsValid(new Uint8Array([0])), false);
    assert.equal(serialIsValid(new Uint8Array([0x80])), false);
    assert.equal(serialIsValid(new Uint8Array([])), false);
  });
});

describe('SPIFFE IDs', () => {
  const valid = [
    'spiffe://example.org/a',
    'spiffe://example.org/ns/prod/sa/orders',
    'spiffe://a-b_c.d/A.b-c_D',
    'spiffe://1.2.3.4/x',
    `spiffe://${'a'.repeat(255)}/x`,
  ];
  const invalid = [
    'spiffe://example.org',
    'spiffe://example.org/',
    'spiffe:///path',
    'spiffe:/example.org/a',
    'SPIFFE://example.org/a',
    'Spiffe://example.org/a',
    'spiffe://Example.org/a',
    'spiffe://example.org:8443/a',
    'spiffe://user@example.org/a',
    'spiffe://user:pass@example.org/a',
    'spiffe://[::1]/a',
    'spiffe://example.org/a/',
    'spiffe://example.org//a',
    'spiffe://example.org/./a',
    'spiffe://example.org/a/..',
    'spiffe://example.org/a%2Fb',
    'spiffe://example.org/a?b',
    'spiffe://example.org/a#b',
    'spiffe://example.org/a b',
    'spiffe://example.org/é',
    'spiffe://exa mple.org/a',
    ' spiffe://example.org/a',
    'spiffe://example.org/a\n',
    'https://example.org/a',
    `spiffe://${'a'.repeat(256)}/x`,
    `spiffe://example.org/${'a'.repeat(2040)}`,
  ];
  for (const id of valid) {
    it(`accepts ${id.length > 60 ? `${id.slice(0, 40)}…` : id}`, () => {
      assert.equal(parseSpiffeId(id, { workload: true }).id, id);
    });
  }
  it(`refuses ${invalid.length} malformed IDs with spiffe.bad_id`, () => {
    for (const id of invalid) {
      assert.equal(
        code(() => parseSpiffeId(id, { workload: true })),
        'spiffe.bad_id',
        JSON.stringify(id),
      );
    }
  });
  it('the trust domain ID itself is an ID, but not a workload ID', () => {
    assert.equal(parseSpiffeId('spiffe://example.org').path, '');
    assert.equal(
      code(() => parseSpiffeId('spiffe://example.org', { workload: true })),
      'spiffe.bad_id',
    );
  });
});

describe('signature algorithms', () => {
  const pss = (hash: AlgorithmIdentifier, mgfHash: AlgorithmIdentifier, saltLength: number) =>
    new AlgorithmIdentifier({
      algorithm: id_RSASSA_PSS,
      parameters: AsnConvert.serialize(
        new RsaSaPssParams({
          hashAlgorithm: hash,
          maskGenAlgorithm: new AlgorithmIdentifier({
            algorithm: id_mgf1,
            parameters: AsnConvert.serialize(mgfHash),
          }),
          saltLength,
        }),
      ),
    });
  const alg = (oid: string, parameters?: ArrayBuffer | null) =>
    new AlgorithmIdentifier(
      parameters === undefined ? { algorithm: oid } : { algorithm: oid, parameters },
    );

  it('accepts SHA-2 RSA, ECDSA and RSA-PSS with matching MGF1 and salt', () => {
    assert.equal(signatureAlgorithm(alg('1.2.840.113549.1.1.11', null)).hash, 'sha256');
    assert.equal(signatureAlgorithm(alg('1.2.840.113549.1.1.13')).hash, 'sha512');
    assert.equal(signatureAlgorithm(alg('1.2.840.10045.4.3.3')).family, 'ecdsa');
    assert.deepEqual(signatureAlgorithm(pss(sha256, sha256, 32)), {
      family: 'rsa-pss',
      hash: 'sha256',
      saltLength: 32,
    });
  });

  it('refuses SHA-1, MD5, MD2, SHA-224, DSA, Ed25519, odd parameters and odd PSS', () => {
    for (const [name, id] of [
      ['sha1WithRSA', alg('1.2.840.113549.1.1.5', null)],
      ['md5WithRSA', alg('1.2.840.113549.1.1.4', null)],
      ['md2WithRSA', alg('1.2.840.113549.1.1.2', null)],
      ['sha224WithRSA', alg('1.2.840.113549.1.1.14', null)],
      ['ecdsa-with-SHA1', alg('1.2.840.10045.4.1')],
      ['dsa-with-sha256', alg('2.16.840.1.101.3.4.3.2')],
      ['Ed25519', alg('1.3.101.112')],
      ['ECDSA with NULL parameters', alg('1.2.840.10045.4.3.2', null)],
      ['RSA with non-NULL parameters', alg('1.2.840.113549.1.1.11', new Uint8Array([4, 0]).buffer)],
      ['PSS without parameters', alg(id_RSASSA_PSS)],
      ['PSS SHA-1', pss(sha1, sha1, 20)],
      ['PSS MGF1 hash differs', pss(sha256, sha1, 32)],
      ['PSS salt 20', pss(sha256, sha256, 20)],
      ['PSS garbage parameters', alg(id_RSASSA_PSS, new Uint8Array([0x30, 0x03, 1, 1, 1]).buffer)],
    ] as const) {
      assert.equal(
        code(() => signatureAlgorithm(id)),
        'cert.signature_algorithm_not_allowed',
        name,
      );
    }
  });
});

describe('name constraints', () => {
  const check = (constraints: AuthorityOptions, leaf: Pick<LeafOptions, 'sans' | 'subject'>) => {
    const root = createRootAuthority();
    const mid = root.createIntermediate({
      ...constraints,
      subject: dn(['O', 'Acme'], ['CN', 'mid']),
    });
    const issued = mid.issueLeaf({
      subject: leaf.subject ?? dn(['O', 'Acme'], ['CN', 'leaf']),
      sans: leaf.sans,
    });
    const path = [issued.der, mid.der, root.der].map(parseCertificate);
    return code(() => checkNameConstraints(path));
  };
  const uri = (permitted: string[], excluded: string[] = []) => ({
    nameConstraints: {
      permitted: permitted.map((u) => ({ uri: u })),
      excluded: excluded.map((u) => ({ uri: u })),
    },
  });
  const violation = 'cert.name_constraint_violation';

  it('URI constraints name a host exactly, or every host below with a leading dot', () => {
    assert.equal(check(uri(['example.org']), { sans: [{ uri: 'spiffe://example.org/a' }] }), 'ok');
    assert.equal(
      check(uri(['example.org']), { sans: [{ uri: 'spiffe://sub.example.org/a' }] }),
      violation,
    );
    assert.equal(
      check(uri(['.example.org']), { sans: [{ uri: 'spiffe://sub.example.org/a' }] }),
      'ok',
    );
    assert.equal(
      check(uri(['.example.org']), { sans: [{ uri: 'spiffe://example.org/a' }] }),
      violation,
    );
    assert.equal(
      check(uri(['example.org']), { sans: [{ uri: 'https://EXAMPLE.org:8443/a' }] }),
      'ok',
    );
    assert.equal(
      check(uri(['example.org']), { sans: [{ uri: 'spiffe://example.org.evil.test/a' }] }),
      violation,
    );
  });

  it('URIs a constraint cannot be applied to are refused (userinfo, IP literal, no host)', () => {
    for (const u of [
      'https://user@example.org/a',
      'https://[::1]/a',
      'urn:example:a',
      'https://10.0.0.1/a',
    ]) {
      assert.equal(check(uri(['example.org']), { sans: [{ uri: u }] }), violation, u);
      assert.equal(check(uri([], ['evil.test']), { sans: [{ uri: u }] }), violation, u);
    }
  });

  it('DNS constraints include subdomains; a leading dot means subdomains only', () => {
    const dns = (p: string) => ({ nameConstraints: { permitted: [{ dns: p }] } });
    assert.equal(check(dns('example.com'), { sans: [{ dns: 'a.example.com' }] }), 'ok');
    assert.equal(check(dns('example.com'), { sans: [{ dns: 'example.com' }] }), 'ok');
    assert.equal(check(dns('example.com'), { sans: [{ dns: 'badexample.com' }] }), violation);
    assert.equal(check(dns('.example.com'), { sans: [{ dns: 'example.com' }] }), violation);
    assert.equal(check(dns('example.com'), { sans: [{ dns: '*.example.com' }] }), violation);
    assert.equal(check(dns('example.com'), { sans: [{ dns: 'A.EXAMPLE.COM' }] }), 'ok');
  });

  it('directory names: a prefix match, case-insensitive, so an excluded name cannot hide in another case', () => {
    const dir = (permitted: string[][], excluded: string[][] = []) => ({
      nameConstraints: {
        permitted: permitted.map((p) => ({
          dirName: dn(...(p.map((v) => ['O', v]) as [string, string][])),
        })),
        excluded: excluded.map((p) => ({
          dirName: dn(...(p.map((v) => ['O', v]) as [string, string][])),
        })),
      },
    });
    assert.equal(check(dir([['Acme']]), { subject: dn(['O', 'Acme'], ['CN', 'x']) }), 'ok');
    assert.equal(check(dir([['Acme']]), { subject: dn(['O', 'Other'], ['CN', 'x']) }), violation);
    assert.equal(
      check(dir([], [['Evil']]), { subject: dn(['O', ' EVIL '], ['CN', 'x']) }),
      violation,
    );
    assert.equal(
      check(dir([['Acme']]), {
        subject: dn(['O', 'Acme']),
        sans: [{ dirName: dn(['O', 'Other']) }],
      }),
      violation,
    );
  });

  it('forms rolegate does not implement refuse certificates that carry such names', () => {
    const email = { nameConstraints: { permitted: [{ email: 'example.com' }] } };
    assert.equal(check(email, { sans: [{ email: 'a@example.com' }] }), violation);
    assert.equal(check(email, { sans: [{ dns: 'a.example.com' }] }), 'ok');
    assert.equal(
      check(email, { subject: dn(['emailAddress', 'a@example.com'], ['CN', 'x']) }),
      violation,
    );
  });
});

describe('path builder bounds', () => {
  it('fifty certificates of one name end quickly, with a bounded number of checks', () => {
    const root = createRootAuthority();
    const name = dn(['O', 'same'], ['CN', 'same']);
    const many = Array.from({ length: 50 }, () => root.createIntermediate({ subject: name }));
    const leaf = many[0]!.issueSvid('spiffe://example.org/a');
    const started = Date.now();
    const { paths } = findPaths({
      leaf: parseCertificate(leaf.der),
      presented: many.map((m) => parseCertificate(m.der)),
      anchors: [parseCertificate(root.der)],
      maxLength: 6,
    });
    assert.ok(Date.now() - started < 2000);
    assert.ok(paths.length >= 1 && paths.length <= 8);
  });
});
