// Identities: the file loader's errors, the dev identities' formats, and misuse in code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createDevIdentities,
  loadIdentitiesFile,
  type StsIdentity,
  startStsEmulator,
  TestkitError,
} from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-testkit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function file(content: string): string {
  const path = join(dir, `identities-${fileNo++}.json`);
  writeFileSync(path, content);
  return path;
}

const alice: StsIdentity = {
  name: 'alice',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE12',
  secretAccessKey: 'a'.repeat(40),
  arn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAEXAMPLEEXAMPLE123',
  account: '111122223333',
};
const orders: StsIdentity = {
  name: 'orders',
  accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
  secretAccessKey: 'o'.repeat(40),
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+/=',
  sessionExpiration: '2026-03-04T06:00:00Z',
  arn: 'arn:aws:sts::111122223333:assumed-role/orders/orders',
  userId: 'AROAEXAMPLEEXAMPLE123:orders',
  account: '111122223333',
};

function invalid(path: string, ...fragments: string[]): void {
  assert.throws(
    () => loadIdentitiesFile(path),
    (err: unknown) => {
      assert.ok(err instanceof TestkitError);
      assert.equal(err.code, 'identities.invalid');
      for (const fragment of fragments)
        assert.ok(err.message.includes(fragment), `missing: ${fragment}\n${err.message}`);
      return true;
    },
  );
}

describe('loadIdentitiesFile', () => {
  test('reads a valid file', () => {
    const loaded = loadIdentitiesFile(file(JSON.stringify({ identities: [alice, orders] })));
    assert.deepEqual(loaded, [alice, orders]);
    assert.ok(Object.isFrozen(loaded[0]));
  });

  test('a missing file is identities.unreadable', () => {
    assert.throws(() => loadIdentitiesFile(join(dir, 'nope.json')), {
      code: 'identities.unreadable',
    });
  });

  test('a file that is not JSON is identities.not_json', () => {
    assert.throws(() => loadIdentitiesFile(file('{"identities": [')), {
      code: 'identities.not_json',
    });
  });

  test('the wrong top level is identities.invalid', () => {
    invalid(file('[]'), 'the top level must be an object');
    invalid(file('{}'), 'identities must be an array');
    invalid(file('{"identities": []}'), 'identities must not be empty');
    invalid(
      file(JSON.stringify({ identities: [alice], extra: 1 })),
      'extra is not a known top-level field',
    );
  });

  test('every bad field is reported with its place', () => {
    const { sessionToken: _t, ...noToken } = orders;
    invalid(
      file(
        JSON.stringify({
          identities: [
            { ...alice, accessKeyId: 'akia-lower', sessiontoken: 'typo' },
            noToken,
            { ...alice, accessKeyId: 'AKIAEXAMPLEEXAMPLE99', account: '999', arn: 'not-an-arn' },
            { ...alice, accessKeyId: 'AKIAEXAMPLEEXAMPLE98', account: '444455556666' },
            { ...orders, sessionExpiration: 'tomorrow', name: '' },
            alice,
            alice,
          ],
        }),
      ),
      'identities[0].accessKeyId must be 16-128 characters',
      'identities[0].sessiontoken is not a known field',
      'identities[1].sessionToken is required for a temporary',
      'identities[2].account must be 12 digits',
      'identities[2].arn must look like',
      'identities[3].arn names account 111122223333 but account is 444455556666',
      'identities[4].sessionExpiration must be an ISO date-time',
      'identities[4].name must be a non-empty string',
      'identities[6].accessKeyId repeats identities[5].accessKeyId',
    );
  });
});

describe('createDevIdentities', () => {
  test('orders, reviews and alice in real AWS formats', () => {
    const [o, r, a] = createDevIdentities() as [StsIdentity, StsIdentity, StsIdentity];
    for (const [id, role] of [
      [o, 'orders'],
      [r, 'reviews'],
    ] as const) {
      assert.equal(id.name, role);
      assert.match(id.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
      assert.match(id.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
      assert.ok((id.sessionToken ?? '').length > 100);
      assert.equal(id.arn, `arn:aws:sts::111122223333:assumed-role/${role}/${role}`);
      assert.match(id.userId, new RegExp(`^AROA[A-Z0-9]{17}:${role}$`));
      assert.equal(id.account, '111122223333');
    }
    assert.equal(a.name, 'alice');
    assert.match(a.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.equal(a.sessionToken, undefined);
    assert.equal(a.arn, 'arn:aws:iam::111122223333:user/alice');
    assert.match(a.userId, /^AIDA[A-Z0-9]{17}$/);
  });

  test('fresh keys on every call, and another account on request', () => {
    const first = createDevIdentities();
    const second = createDevIdentities({ account: '444455556666' });
    assert.notEqual(first[0]?.accessKeyId, second[0]?.accessKeyId);
    assert.notEqual(first[0]?.secretAccessKey, second[0]?.secretAccessKey);
    assert.ok(
      second.every((id) => id.account === '444455556666' && id.arn.includes(':444455556666:')),
    );
    assert.throws(() => createDevIdentities({ account: '12345' }), TypeError);
  });
});

describe('startStsEmulator misuse', () => {
  test('invalid identities, duplicates and non-STS hosts are TypeErrors', async () => {
    await assert.rejects(startStsEmulator({ identities: [{ ...alice, account: 'x' }] }), TypeError);
    await assert.rejects(startStsEmulator({ identities: [alice, alice] }), TypeError);
    await assert.rejects(
      startStsEmulator({ identities: [alice], hosts: ['sts.example.test'] }),
      TypeError,
    );
    await assert.rejects(startStsEmulator({ identities: [alice], hosts: [] }), TypeError);
  });
});
