// Findings of the attacker-minded review of the certificate code, each pinned by a test that
// failed before its fix: a CRL whose issuer name is spelled differently still applies; a CA
// without cRLSign cannot revoke (the answer is unknown, not "not revoked"); a CRL whose inner
// and outer algorithms differ is refused; an excluded name constraint cannot be dodged with
// another string type; an empty CN is no source identity; a JWT-SVID's tag obeys the STS rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import { basicConstraints, createRootAuthority, dn, keyUsage } from '@rolegate/testkit';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { principalFromJwtSvid, sourceIdentity } from '../../src/x509/certificate-principal.ts';
import { CrlSet, parseCrl } from '../../src/x509/crl.ts';
import { checkNameConstraints } from '../../src/x509/name-constraints.ts';
import { readName } from '../../src/x509/names.ts';
import { Profiles } from '../../src/x509/profiles.ts';

const clock = { nowMs: Date.now(), skewMs: 60_000 };

describe('CRLs after review', () => {
  it('applies a CRL whose issuer is the CA name spelled in another case', () => {
    const root = createRootAuthority();
    const mid = root.createIntermediate({ subject: dn(['O', 'Acme'], ['CN', 'mid']) });
    const leaf = mid.issueLeaf({ serial: 4242n });
    const crl = mid.issueCrl({ revoked: [4242n], issuer: dn(['O', 'ACME'], ['CN', 'MID']) });
    const path = [leaf.der, mid.der, root.der].map(parseCertificate);
    assert.throws(() => new CrlSet([parseCrl(crl.der)]).check(path, clock), {
      code: 'cert.revoked',
    });
  });

  it('does not let a CA without cRLSign speak for revocation (unknown, fail closed)', () => {
    const root = createRootAuthority();
    const mid = root.createIntermediate({
      extensions: [basicConstraints(true), keyUsage(['keyCertSign'])],
    });
    const leaf = mid.issueLeaf();
    const crl = mid.issueCrl({ revoked: [] });
    const path = [leaf.der, mid.der, root.der].map(parseCertificate);
    assert.throws(() => new CrlSet([parseCrl(crl.der)]).check(path, clock), {
      code: 'cert.revocation_unknown',
    });
  });
});

describe('names after review', () => {
  it('holds a VisibleString attribute to an excluded directoryName subtree', () => {
    const root = createRootAuthority();
    const mid = root.createIntermediate({
      nameConstraints: { excluded: [{ dirName: dn(['O', 'Evil']) }] },
    });
    const leaf = mid.issueLeaf({ subject: dn(['O', 'Evil'], ['CN', 'x']) });
    const path = [leaf.der, mid.der, root.der].map(parseCertificate);
    const visible = new Uint8Array([0x1a, 4, ...Buffer.from('Evil')]);
    const name = new Name([
      new RelativeDistinguishedName([
        new AttributeTypeAndValue({
          type: '2.5.4.10',
          value: new AttributeValue({ anyValue: visible.buffer }),
        }),
      ]),
      new RelativeDistinguishedName([
        new AttributeTypeAndValue({
          type: '2.5.4.3',
          value: new AttributeValue({ utf8String: 'x' }),
        }),
      ]),
    ]);
    const subject = readName(AsnConvert.parse(AsnConvert.serialize(name), Name));
    assert.equal(subject.rdns[0]![0]!.value, 'Evil');
    const disguised = { ...path[0]!, subject };
    assert.throws(() => checkNameConstraints([disguised, path[1]!, path[2]!]), {
      code: 'cert.name_constraint_violation',
    });
  });
});

describe('principal after review', () => {
  it('gives an empty CN no source identity: ID=<serial>', () => {
    const root = createRootAuthority();
    const leaf = root.issueLeaf({ subject: dn(['O', 'x'], ['CN', '']), serial: 0x4242n });
    assert.equal(sourceIdentity(parseCertificate(leaf.der)), 'ID=4242');
  });

  it("holds a JWT-SVID's x509SAN/URI tag to the STS tag rules (over 256 characters: dropped)", () => {
    const profiles = new Profiles([
      { name: 'p', trustDomain: 'example.org', roleArn: 'arn:aws:iam::111122223333:role/w' },
    ]);
    const profile = profiles.for('trustDomain', 'example.org')!;
    const long = `spiffe://example.org/${'a'.repeat(400)}`;
    const dropped = principalFromJwtSvid({ profile, spiffeId: long, expiresAtMs: Date.now() });
    assert.equal(dropped.tags['x509SAN/URI'], undefined);
    const ok = principalFromJwtSvid({
      profile,
      spiffeId: 'spiffe://example.org/w',
      expiresAtMs: Date.now(),
    });
    assert.equal(ok.tags['x509SAN/URI'], 'spiffe://example.org/w');
  });
});

describe('name constraints after review', () => {
  const root = createRootAuthority();
  const cases: [string, string][] = [
    ['a whole URI instead of a host', 'spiffe://evil.example'],
    ['a trailing dot', 'evil.example.'],
    ['a wildcard', '*.evil.example'],
  ];
  for (const [what, value] of cases) {
    it(`refuses a CA whose excluded URI constraint has ${what}`, () => {
      const mid = root.createIntermediate({ nameConstraints: { excluded: [{ uri: value }] } });
      const leaf = mid.issueLeaf({ sans: [{ uri: 'spiffe://evil.example/x' }] });
      const path = [leaf.der, mid.der, root.der].map(parseCertificate);
      assert.throws(() => checkNameConstraints(path), { code: 'cert.name_constraint_violation' });
    });
  }
  it('still applies a well-formed excluded host, and lets other hosts through', () => {
    const mid = root.createIntermediate({
      nameConstraints: { excluded: [{ uri: 'evil.example' }] },
    });
    const bad = mid.issueLeaf({ sans: [{ uri: 'spiffe://evil.example/x' }] });
    const good = mid.issueLeaf({ sans: [{ uri: 'spiffe://good.example/x' }] });
    assert.throws(() => checkNameConstraints([bad.der, mid.der, root.der].map(parseCertificate)), {
      code: 'cert.name_constraint_violation',
    });
    checkNameConstraints([good.der, mid.der, root.der].map(parseCertificate));
  });
});
