// Every broken certificate of the testkit's catalogues, signed into an otherwise perfect assertion:
// refused with its stable code offline and over HTTP (no token, the right status), and the odd but
// valid ones accepted. Names follow go-spiffe's testdata: each says what is wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BrokenClientName,
  type BrokenSvidName,
  ODD_BUT_VALID_SVID_NAMES,
  type TestLeaf,
} from '@rolegate/testkit';
import { BrokerError } from '../../src/errors/broker-error.ts';
import { type BrokerErrorCode, ERROR_CODES } from '../../src/errors/codes.ts';
import {
  createX509Fixture,
  offlineLogins,
  SPIFFE_ROLE,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { assertionFor, startX509Harness, type X509Harness } from './support/x509-harness.ts';

const SVID_CODES: Record<BrokenSvidName, BrokerErrorCode> = {
  leafCaTrue: 'cert.leaf_is_ca',
  leafKeyCertSign: 'cert.bad_leaf_key_usage',
  leafCrlSign: 'cert.bad_leaf_key_usage',
  leafNoDigitalSignature: 'cert.bad_leaf_key_usage',
  leafNoKeyUsage: 'cert.bad_leaf_key_usage',
  leafKeyUsageNotCritical: 'spiffe.bad_svid',
  leafEkuServerAuthOnly: 'cert.bad_extended_key_usage',
  twoUriSans: 'spiffe.bad_svid',
  twoSpiffeIds: 'spiffe.bad_svid',
  // No SPIFFE ID: held to the plain trust anchors, which do not include the SPIFFE CA.
  noUriSan: 'cert.untrusted',
  rootSpiffeId: 'spiffe.bad_id',
  uppercaseTrustDomain: 'spiffe.bad_id',
  spiffeIdWithPort: 'spiffe.bad_id',
  spiffeIdWithUserinfo: 'spiffe.bad_id',
  spiffeIdWithQuery: 'spiffe.bad_id',
  spiffeIdWithFragment: 'spiffe.bad_id',
  spiffeIdPercentEncoded: 'spiffe.bad_id',
  spiffeIdDotSegment: 'spiffe.bad_id',
  spiffeIdEmptySegment: 'spiffe.bad_id',
  spiffeIdTrailingSlash: 'spiffe.bad_id',
  spiffeSchemeUppercase: 'spiffe.bad_id',
  unknownTrustDomain: 'spiffe.unknown_trust_domain',
  // partner.test is trusted, but only with partner.test's own anchors.
  foreignTrustDomain: 'cert.untrusted',
  expired: 'cert.expired',
  notYetValid: 'cert.not_yet_valid',
  intermediateExpired: 'cert.expired',
  intermediateNotYetValid: 'cert.not_yet_valid',
  rootExpired: 'cert.expired',
  sha1Signature: 'cert.signature_algorithm_not_allowed',
  md5Signature: 'cert.signature_algorithm_not_allowed',
  sha1Intermediate: 'cert.signature_algorithm_not_allowed',
  signatureAlgorithmMismatch: 'cert.malformed',
  badSignature: 'cert.untrusted',
  unknownCriticalExtension: 'cert.unknown_critical_extension',
  intermediateUnknownCriticalExtension: 'cert.unknown_critical_extension',
  duplicateExtension: 'cert.malformed',
  trailingDerBytes: 'cert.malformed',
  zeroSerial: 'cert.bad_serial',
  negativeSerial: 'cert.bad_serial',
  serialTooLong: 'cert.bad_serial',
  versionOne: 'cert.bad_version',
  emptySubjectSanNotCritical: 'cert.empty_subject',
  rsa1024Leaf: 'cert.unsupported_key',
  secp256k1Leaf: 'cert.unsupported_key',
  intermediateCaFalse: 'cert.not_a_ca',
  intermediateNoBasicConstraints: 'cert.not_a_ca',
  intermediateNoKeyCertSign: 'cert.bad_ca_key_usage',
  pathLenExceeded: 'cert.path_length_exceeded',
  intermediatePathLenExceeded: 'cert.path_length_exceeded',
  nameConstraintViolated: 'cert.name_constraint_violation',
  excludedNameConstraint: 'cert.name_constraint_violation',
  anchorNameConstraintViolated: 'cert.name_constraint_violation',
  chainCycle: 'cert.untrusted',
  missingIntermediate: 'cert.untrusted',
  selfSignedLeaf: 'cert.untrusted',
  chainTooLong: 'assertion.bad_chain',
  revoked: 'cert.revoked',
  intermediateRevoked: 'cert.revoked',
};

const CLIENT_CODES: Record<BrokenClientName, BrokerErrorCode> = {
  dnsNameConstraintViolated: 'cert.name_constraint_violation',
  excludedDnsNameConstraint: 'cert.name_constraint_violation',
  directoryNameConstraintViolated: 'cert.name_constraint_violation',
  clientEkuServerAuthOnly: 'cert.bad_extended_key_usage',
  clientNoKeyUsage: 'cert.bad_leaf_key_usage',
  clientEmptySubjectSanNotCritical: 'cert.empty_subject',
  // A certificate without a SPIFFE ID from the SPIFFE CA: not a plain anchor.
  clientIssuedBySpiffeCa: 'cert.untrusted',
};

// Built once, before the tests are declared: the cases are listed by name, their leaves read later.
const f: X509Fixture = createX509Fixture();
let h: X509Harness;
before(async () => {
  h = await startX509Harness(f);
});
after(async () => {
  await h?.close();
  f.cleanup();
});

const CASES: readonly [name: string, code: BrokerErrorCode, leaf: () => TestLeaf][] = [
  ...Object.entries(SVID_CODES).map(
    ([name, code]) =>
      [name, code, () => f.svids.broken[name as BrokenSvidName]] as [
        string,
        BrokerErrorCode,
        () => TestLeaf,
      ],
  ),
  ...Object.entries(CLIENT_CODES).map(
    ([name, code]) =>
      [name, code, () => f.clients.broken[name as BrokenClientName]] as [
        string,
        BrokerErrorCode,
        () => TestLeaf,
      ],
  ),
];

it('the catalogues are covered one to one (65 certificates)', () => {
  assert.deepEqual(Object.keys(SVID_CODES).sort(), Object.keys(f.svids.broken).sort());
  assert.deepEqual(Object.keys(CLIENT_CODES).sort(), Object.keys(f.clients.broken).sort());
  assert.equal(CASES.length, 65);
});

describe('hostile certificates, offline', () => {
  let login: ReturnType<typeof offlineLogins>['x509Login'];
  before(() => {
    login = offlineLogins(f.x509).x509Login;
  });
  for (const [name, code, leaf] of CASES) {
    it(`${name} → ${code}`, async () => {
      await assert.rejects(login.authenticate(await assertionFor(leaf())), (error: unknown) => {
        assert.ok(error instanceof BrokerError, String(error));
        assert.equal(error.code, code, error.message);
        return true;
      });
    });
  }
});

describe('hostile certificates over HTTP', () => {
  for (const [name, code, leaf] of CASES) {
    it(`${name} → ${ERROR_CODES[code].status} ${code}`, async () => {
      const res = await h.send(await assertionFor(leaf()));
      assert.equal(res.body.rolegate_code, code);
      assert.equal(res.status, ERROR_CODES[code].status);
      assert.equal(res.body.error, ERROR_CODES[code].oauth);
      assert.equal(res.body.access_token, undefined);
    });
  }
});

describe('odd but valid chains', () => {
  for (const name of ODD_BUT_VALID_SVID_NAMES) {
    it(`${name} is accepted, offline and over HTTP`, async () => {
      const leaf = f.svids.oddButValid[name];
      const identity = await offlineLogins(f.x509).x509Login.authenticate(await assertionFor(leaf));
      assert.equal(identity.principal.arn, SPIFFE_ROLE);
      const res = await h.send(await assertionFor(leaf));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
  }
});

it('the broker is still healthy afterwards', async () => {
  assert.equal((await h.send(await assertionFor(f.svids.valid))).status, 200);
  assert.equal((await h.login('orders')).status, 200);
});
