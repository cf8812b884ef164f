// CRLs per trust source: a listed serial is revoked (leaf or intermediate); a CRL that is stale,
// from the future, or does not verify makes revocation unknown (503, fail closed); CRLs that
// cannot be applied faithfully (critical extensions, no nextUpdate, forged anchor CRLs) stop the
// broker at start.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '@rolegate/core';
import { generateTestKey, rawExtension } from '@rolegate/testkit';
import { parseCrl } from '../../../identity/src/x509/crl.ts';
import {
  createX509Fixture,
  offlineLogins,
  SPIFFE_ROLE,
  type X509ConfigInput,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { assertionFor, startX509Harness } from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
after(() => f.cleanup());
const TD = 'example.org';
const DAY = 86_400_000;
let n = 0;
const crlFile = (crls: readonly { pem: string }[] | Uint8Array) => {
  const path = join(f.dir, `crl-${n++}`);
  writeFileSync(path, crls instanceof Uint8Array ? crls : crls.map((c) => c.pem).join(''));
  return path;
};
const config = (crlFiles: string[]): X509ConfigInput => ({
  trustDomains: [{ name: TD, bundleFile: f.files.bundle, crlFiles }],
  profiles: [{ name: 'spiffe', trustDomain: TD, roleArn: SPIFFE_ROLE }],
});
const login = async (crlFiles: string[], leaf = f.svids.valid) =>
  offlineLogins(config(crlFiles)).x509Login.authenticate(await assertionFor(leaf));

describe('revocation', () => {
  const mid = f.svids.intermediate;
  it('a serial on the intermediate CRL is revoked; others pass', async () => {
    const leaf = mid.issueSvid(`spiffe://${TD}/a`);
    const crl = crlFile([mid.issueCrl({ revoked: [leaf.serial] })]);
    await assert.rejects(login([crl], leaf), { code: 'cert.revoked' });
    assert.equal((await login([crl])).principal.arn, SPIFFE_ROLE);
  });

  it('a DER CRL file works as well as PEM', async () => {
    const leaf = mid.issueSvid(`spiffe://${TD}/a`);
    await assert.rejects(login([crlFile(mid.issueCrl({ revoked: [leaf.serial] }).der)], leaf), {
      code: 'cert.revoked',
    });
  });

  it('the root CRL revokes an intermediate, and with it every leaf below', async () => {
    const crl = crlFile([f.svids.root.issueCrl({ revoked: [mid.serial] })]);
    await assert.rejects(login([crl]), { code: 'cert.revoked' });
  });

  it('a stale CRL makes revocation unknown: 503 with Retry-After, never a token', async () => {
    const stale = crlFile([
      mid.issueCrl({
        thisUpdate: new Date(Date.now() - 10 * DAY),
        nextUpdate: new Date(Date.now() - DAY),
      }),
    ]);
    await assert.rejects(login([stale]), { code: 'cert.revocation_unknown' });
    const h = await startX509Harness(f, { x509: config([stale]) });
    try {
      const res = await h.send(await assertionFor(f.svids.valid));
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'cert.revocation_unknown');
      assert.equal(res.headers.get('retry-after'), '60');
    } finally {
      await h.close();
    }
  });

  it('a CRL from the future is not current either', async () => {
    const future = crlFile([mid.issueCrl({ thisUpdate: new Date(Date.now() + DAY) })]);
    await assert.rejects(login([future]), { code: 'cert.revocation_unknown' });
  });

  it('within the clock skew, a just-expired CRL still counts', async () => {
    const edge = crlFile([mid.issueCrl({ nextUpdate: new Date(Date.now() - 30_000) })]);
    assert.equal((await login([edge])).principal.arn, SPIFFE_ROLE);
  });

  it("a forged CRL under the intermediate's name makes revocation unknown at login", async () => {
    const forged = crlFile([mid.issueCrl({ signingKey: generateTestKey() })]);
    await assert.rejects(login([forged]), { code: 'cert.revocation_unknown' });
  });

  it("a forged CRL under an anchor's name stops the broker at start", async () => {
    const forged = crlFile([f.svids.root.issueCrl({ signingKey: generateTestKey() })]);
    await assert.rejects(
      startX509Harness(f, { x509: config([forged]) }),
      (e: unknown) => e instanceof ConfigError && /does not verify/.test(e.message),
    );
  });

  it('CRLs that rolegate cannot apply faithfully are refused at load', () => {
    // deltaCRLIndicator (critical by definition), issuingDistributionPoint marked critical.
    const delta = mid.issueCrl({
      extensions: [rawExtension('2.5.29.27', true, new Uint8Array([2, 1, 1]))],
    });
    const idp = mid.issueCrl({
      extensions: [rawExtension('2.5.29.28', true, new Uint8Array([0x30, 0]))],
    });
    const noNext = mid.issueCrl({ nextUpdate: null });
    assert.throws(() => parseCrl(delta.der), /critical CRL extension 2\.5\.29\.27/);
    assert.throws(() => parseCrl(idp.der), /critical CRL extension 2\.5\.29\.28/);
    assert.throws(() => parseCrl(noNext.der), /without nextUpdate/);
    assert.throws(() => parseCrl(new Uint8Array([...mid.issueCrl().der, 0])), /not DER/);
    assert.throws(() => offlineLogins(config([crlFile([noNext])])), ConfigError);
  });

  it('a CRL of a sibling CA does not touch certificates of another', async () => {
    const sibling = f.svids.root.createIntermediate();
    const crl = crlFile([sibling.issueCrl({ revoked: [f.svids.valid.serial] })]);
    assert.equal((await login([crl])).principal.arn, SPIFFE_ROLE);
  });
});
