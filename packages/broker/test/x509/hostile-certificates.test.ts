// Every broken certificate of the testkit's catalogues, signed into an otherwise perfect assertion:
// refused with its stable code offline and over HTTP (no token, the right status), and the odd but
// valid ones accepted. Names follow go-spiffe's testdata: each says what is wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityError } from '@rolegate/identity';
import {
  type BrokenClientName,
  type BrokenSvidName,
  ODD_BUT_VALID_SVID_NAMES,
  type TestLeaf,
} from '@rolegate/testkit';
import { BROKER_ERRORS, type BrokerErrorCode } from '../../src/errors/codes.ts';
import { CLIENT_CODES, SVID_CODES } from './support/expected-codes.ts';
import {
  createX509Fixture,
  offlineLogins,
  SPIFFE_ROLE,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { assertionFor, startX509Harness, type X509Harness } from './support/x509-harness.ts';

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
        assert.ok(error instanceof IdentityError, String(error));
        assert.equal(error.code, code, error.message);
        return true;
      });
    });
  }
});

describe('hostile certificates over HTTP', () => {
  for (const [name, code, leaf] of CASES) {
    it(`${name} → ${BROKER_ERRORS[code].status} ${code}`, async () => {
      const res = await h.send(await assertionFor(leaf()));
      assert.equal(res.body.rolegate_code, code);
      assert.equal(res.status, BROKER_ERRORS[code].status);
      assert.equal(res.body.error, BROKER_ERRORS[code].wire);
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
