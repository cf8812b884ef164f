// Trust sources: SPIFFE bundles (strict JWK Sets and bundle maps), PEM CA files bound to a trust
// domain or standing alone, CRL files; and their life in a running broker — a bad file at start
// stops it, a change is picked up, a bad change is refused while the previous version serves.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@rolegate/core';
import {
  createJwtSvidIssuer,
  createRootAuthority,
  generateTestKey,
  spiffeBundle,
  writeSpiffeBundle,
  writeSpiffeBundleMap,
} from '@rolegate/testkit';
import { parseBundleFile } from '../../../identity/src/x509/bundle.ts';
import { parsePem } from '../../../identity/src/x509/pem.ts';
import { loadTrustSource } from '../../../identity/src/x509/trust-source.ts';
import {
  createX509Fixture,
  LOGIN_AUDIENCE,
  offlineLogins,
  SPIFFE_ROLE,
  type X509ConfigInput,
  type X509Fixture,
} from './support/pki-fixture.ts';
import { assertionFor, JWT_SVID_TOKEN_TYPE, startX509Harness } from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
after(() => f.cleanup());
const TD = 'example.org';
const file = (name: string, text: string | Uint8Array) => {
  const path = join(f.dir, name);
  writeFileSync(path, text);
  return path;
};
const bundleText = (doc: unknown) => JSON.stringify(doc);
const good = () => spiffeBundle({ x509Authorities: f.svids.anchors, jwtAuthorities: [f.jwt] });
const refuses = (text: string, pattern: RegExp, td = TD) =>
  assert.throws(() => parseBundleFile(text, td), pattern);

describe('SPIFFE bundles', () => {
  it('reads X.509 and JWT authorities, sequence and refresh hint', () => {
    const b = parseBundleFile(
      writeSpiffeBundle({
        x509Authorities: f.svids.anchors,
        jwtAuthorities: [f.jwt],
        sequence: 7,
        refreshHint: 300,
      }),
      TD,
    );
    assert.equal(b.x509Authorities.length, f.svids.anchors.length);
    assert.deepEqual([...b.jwtAuthorities.keys()], [f.jwt.kid]);
    assert.equal(b.sequence, 7);
    assert.equal(b.refreshHintSeconds, 300);
  });

  it('empty keys is a valid bundle that trusts nothing', () => {
    const b = parseBundleFile('{"keys":[]}', TD);
    assert.equal(b.x509Authorities.length + b.jwtAuthorities.size, 0);
  });

  it('skips entries of an unknown use (newer SPIFFE uses), refuses entries without one', () => {
    const doc = good();
    const withWit = { ...doc, keys: [...doc.keys, { ...doc.keys[0], use: 'wit-svid' }] };
    assert.equal(parseBundleFile(bundleText(withWit), TD).skipped, 1);
    const { use: _, ...noUse } = doc.keys[0]!;
    refuses(bundleText({ keys: [noUse] }), /use is required/);
  });

  it('refuses malformed bundles', () => {
    const doc = good();
    const x509 = doc.keys[0]!;
    const jwt = doc.keys.at(-1)!;
    refuses('{"keys":{}}', /keys must be an array/);
    refuses('{"nokeys":[]}', /not an object/);
    refuses('[]', /JSON object/);
    refuses('{"keys":[],"keys":[]}', /duplicate/i);
    refuses(bundleText({ keys: [{ ...x509, x5c: [] }] }), /exactly one certificate/);
    refuses(
      bundleText({
        keys: [{ ...x509, x5c: [...(x509.x5c as string[]), ...(x509.x5c as string[])] }],
      }),
      /exactly one/,
    );
    const b64 = (x509.x5c as string[])[0]!;
    refuses(
      bundleText({ keys: [{ ...x509, x5c: [`${b64.slice(0, 10)}\n${b64.slice(10)}`] }] }),
      /not strict base64/,
    );
    refuses(bundleText({ keys: [{ ...x509, x: jwt.x, y: jwt.y }] }), /not the certificate's key/);
    refuses(bundleText({ keys: [{ ...jwt, kid: undefined }] }), /kid is required/);
    refuses(bundleText({ keys: [jwt, jwt] }), /appears twice/);
    refuses(bundleText({ keys: [{ ...jwt, d: 'c2VjcmV0' }] }), /private key material/);
    refuses(
      bundleText({ keys: [{ use: 'jwt-svid', kid: 'k', kty: 'oct', k: 'c2VjcmV0' }] }),
      /unreadable key|not allowed/,
    );
    const weak = generateTestKey('rsa-1024').publicKey.export({ format: 'jwk' });
    refuses(bundleText({ keys: [{ ...weak, use: 'jwt-svid', kid: 'weak' }] }), /not allowed/);
    refuses(bundleText({ ...doc, spiffe_sequence: -1 }), /spiffe_sequence/);
    refuses(bundleText({ ...doc, spiffe_refresh_hint: '300' }), /spiffe_refresh_hint/);
  });

  it('bundle maps: the trust domain named once, in either spelling', () => {
    const map = writeSpiffeBundleMap([
      [TD, { x509Authorities: f.svids.anchors }],
      ['partner.test', { x509Authorities: f.svids.partnerAnchors }],
    ]);
    assert.equal(parseBundleFile(map, 'partner.test').x509Authorities.length, 1);
    const twice = writeSpiffeBundleMap([
      [TD, { x509Authorities: f.svids.anchors }],
      [TD, { x509Authorities: f.svids.partnerAnchors }],
    ]);
    refuses(twice, /duplicate/i);
    const spelled = writeSpiffeBundleMap([
      [TD, { x509Authorities: f.svids.anchors }],
      [`spiffe://${TD}`, { x509Authorities: f.svids.partnerAnchors }],
    ]);
    refuses(spelled, /appears twice in the bundle map/);
    refuses(writeSpiffeBundleMap([['Example.org', {}]]), /bundle map key/);
    refuses(writeSpiffeBundleMap([['other.test', {}]]), /no entry for example.org/);
  });

  it('a leaf certificate in a bundle is not an anchor', () => {
    const bundle = file(
      'leaf-as-anchor.json',
      writeSpiffeBundle({ x509Authorities: [f.svids.valid] }),
    );
    assert.throws(
      () => loadTrustSource({ kind: 'trustDomain', name: TD, bundleFile: bundle, crlFiles: [] }),
      /is not a CA/,
    );
  });
});

describe('PEM CA files', () => {
  const pem = f.clients.anchors[0]!.pem;
  it('strict inside blocks, tolerant of comments between them (RFC 7468)', () => {
    assert.equal(
      parsePem(
        `# Acme root\r\n${pem.replace(/\n/g, '\r\n')}\ntrailing words\n${pem}`,
        'CERTIFICATE',
      ).length,
      2,
    );
    for (const [text, why] of [
      ['', /no CERTIFICATE block/],
      [pem.replace('-----END CERTIFICATE-----\n', ''), /no END line/],
      [pem.replace('-----BEGIN CERTIFICATE-----', ''), /END without BEGIN/],
      [`${pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`, /PRIVATE KEY block/],
      [pem.replace(/\n(.)/, '\nProc-Type: 4,ENCRYPTED\n$1'), /not base64/],
      [pem.replace(/\n([A-Za-z0-9+/]{4})/, '\n$1 '), /not base64/],
      [pem.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----'), /closes BEGIN/],
      [pem.replace(/=*\n-----END/, '====\n-----END'), /not strict base64/],
    ] as const) {
      assert.throws(() => parsePem(text, 'CERTIFICATE'), why, JSON.stringify(text.slice(0, 40)));
    }
  });

  it('a CA file bound to a trust domain admits its X.509-SVIDs, but no JWT-SVIDs', async () => {
    const caFile = file('example.org-ca.pem', f.svids.anchors.map((a) => a.pem).join(''));
    const x509: X509ConfigInput = {
      trustDomains: [{ name: TD, caFile }],
      profiles: [{ name: 'spiffe', trustDomain: TD, roleArn: SPIFFE_ROLE }],
    };
    const logins = offlineLogins(x509);
    const identity = await logins.x509Login.authenticate(await assertionFor(f.svids.valid));
    assert.equal(identity.principal.arn, SPIFFE_ROLE);
    await assert.rejects(
      logins.jwtSvidLogin.authenticate(
        await f.jwt.issue({ spiffeId: `spiffe://${TD}/a`, audience: LOGIN_AUDIENCE }),
      ),
      { code: 'jwt_svid.unknown_key' },
    );
  });

  it('a non-CA certificate in a CA file stops the broker (config.invalid)', async () => {
    const caFile = file('not-ca.pem', f.clients.valid.pem);
    await assert.rejects(
      startX509Harness({ ...f, x509: { trustAnchors: [{ name: 'corp', caFile }] } }),
      (e: unknown) => e instanceof ConfigError && /not a CA/.test(e.message),
    );
  });
});

describe('trust domain with empty keys', () => {
  it('refuses every SVID of the domain, and every JWT-SVID', async () => {
    const empty = file('empty.json', '{"keys":[]}');
    const logins = offlineLogins({
      trustDomains: [{ name: TD, bundleFile: empty }],
      profiles: [{ name: 'spiffe', trustDomain: TD, roleArn: SPIFFE_ROLE }],
    });
    await assert.rejects(logins.x509Login.authenticate(await assertionFor(f.svids.valid)), {
      code: 'cert.untrusted',
    });
    await assert.rejects(
      logins.jwtSvidLogin.authenticate(
        await f.jwt.issue({ spiffeId: `spiffe://${TD}/a`, audience: LOGIN_AUDIENCE }),
      ),
      { code: 'jwt_svid.unknown_key' },
    );
    assert.match(logins.logs(), /no X\.509 authorities, every certificate refused/);
  });
});

describe('reloading a running broker', () => {
  it('follows bundle changes, refuses broken ones and keeps the previous version', async () => {
    const bundleFile = file(
      'live.json',
      writeSpiffeBundle({ x509Authorities: f.svids.anchors, jwtAuthorities: [f.jwt] }),
    );
    const h = await startX509Harness(f, {
      x509: {
        ...f.x509,
        trustDomains: [{ name: TD, bundleFile }],
        trustAnchors: [],
        profiles: [f.x509.profiles![0]!],
      },
    });
    try {
      const login = async (leaf = f.svids.valid) =>
        (await h.send(await assertionFor(leaf))).body.rolegate_code ?? 'ok';
      const waitFor = async (want: string, leaf = f.svids.valid) => {
        for (let i = 0; i < 50; i++) {
          if ((await login(leaf)) === want) return;
          await sleep(100);
        }
        assert.fail(`never became ${want}`);
      };
      assert.equal(await login(), 'ok');

      // Rotation to a new root: the old SVIDs stop, the new root's SVIDs start.
      const next = createRootAuthority();
      const nextSvid = next.issueSvid(`spiffe://${TD}/next`);
      writeFileSync(
        bundleFile,
        writeSpiffeBundle({ x509Authorities: [next], jwtAuthorities: [f.jwt], sequence: 2 }),
      );
      await waitFor('cert.untrusted');
      assert.equal(await login(nextSvid), 'ok');

      // A half-written bundle: refused, logged, and the last good version keeps serving.
      writeFileSync(bundleFile, '{"keys": [');
      await sleep(400);
      assert.equal(await login(nextSvid), 'ok');
      assert.match(h.logs(), /trust source reload refused/);
      assert.equal(h.broker.trust!.reload(`trustDomain:${TD}`, 'test'), false);

      // Every key withdrawn: everything refused, JWT-SVIDs included.
      writeFileSync(bundleFile, '{"keys": []}');
      await waitFor('cert.untrusted', nextSvid);
      const jwt = await f.jwt.issue({ spiffeId: `spiffe://${TD}/a`, audience: LOGIN_AUDIENCE });
      assert.equal(
        (await h.send(jwt, JWT_SVID_TOKEN_TYPE)).body.rolegate_code,
        'jwt_svid.unknown_key',
      );
    } finally {
      await h.close();
    }
  });

  it('a bundle that does not load at start stops the broker (config.invalid)', async () => {
    const broken = file('broken.json', '{"keys": [{"use": "x509-svid"}]}');
    await assert.rejects(
      startX509Harness({ ...f, x509: { trustDomains: [{ name: TD, bundleFile: broken }] } }),
      (e: unknown) => e instanceof ConfigError && /x509: trustDomain example.org/.test(e.message),
    );
  });

  it('a new JWT authority can be added by reload', async () => {
    const extra = createJwtSvidIssuer({ trustDomain: TD });
    const bundleFile = file('jwt-live.json', writeSpiffeBundle({ jwtAuthorities: [f.jwt] }));
    const logins = offlineLogins({
      trustDomains: [{ name: TD, bundleFile }],
      profiles: [{ name: 'spiffe', trustDomain: TD, roleArn: SPIFFE_ROLE }],
    });
    const token = await extra.issue({ spiffeId: `spiffe://${TD}/a`, audience: LOGIN_AUDIENCE });
    await assert.rejects(logins.jwtSvidLogin.authenticate(token), { code: 'jwt_svid.unknown_key' });
    writeFileSync(bundleFile, writeSpiffeBundle({ jwtAuthorities: [f.jwt, extra] }));
    assert.equal(logins.store.reload(`trustDomain:${TD}`, 'test'), true);
    assert.equal((await logins.jwtSvidLogin.authenticate(token)).arn, SPIFFE_ROLE);
  });
});
