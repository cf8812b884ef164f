// The Roles Anywhere emulator's options and surface: misuse is one TypeError naming every
// problem by its place, ARNs are derived from names (stable across runs), the enable switches,
// HTTPS with a test CA, and the request bookkeeping.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, describe, test } from 'node:test';
import {
  createRootAuthority,
  type RolesAnywhereEmulatorOptions,
  startRolesAnywhereEmulator,
  startStsEmulator,
} from '../src/index.ts';
import { NOW, signed, trustPolicy } from './support/roles-anywhere.ts';

const root = createRootAuthority({ now: NOW });
const sts = await startStsEmulator({ identities: [], clock: () => NOW });
after(() => sts.close());

const ROLE = 'arn:aws:iam::111122223333:role/open';

function options(over: Partial<RolesAnywhereEmulatorOptions> = {}): RolesAnywhereEmulatorOptions {
  return {
    sts,
    clock: () => NOW,
    trustAnchors: [{ name: 'main', certificatePem: root.pem }],
    roles: [{ name: 'open', trustPolicy: trustPolicy() }],
    profiles: [{ name: 'default', roleArns: [ROLE] }],
    ...over,
  };
}

describe('misuse', () => {
  test('is one TypeError that names every problem by its place', async () => {
    const leafPem = root.issueLeaf({ now: NOW }).pem;
    const bad = {
      ...options(),
      account: '1234',
      bogus: true,
      trustAnchors: [
        { name: 'main', certificatePem: leafPem },
        { name: 'main', certificatePem: root.pem, enabled: 'yes' },
      ],
      roles: [
        {
          name: 'open',
          trustPolicy: {
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:*', Resource: '*' }],
          },
        },
        { name: 'bad name!', trustPolicy: '{' },
      ],
      profiles: [
        {
          name: 'default',
          roleArns: ['arn:aws:iam::111122223333:role/nobody'],
          durationSeconds: 60,
        },
      ],
    } as unknown as RolesAnywhereEmulatorOptions;
    const error = await startRolesAnywhereEmulator(bad).then(
      () => assert.fail('started'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TypeError);
    for (const place of [
      /^\s+account /m,
      /^\s+bogus /m,
      /^\s+trustAnchors\[0\]\.certificatePem\[0\] /m,
      /^\s+trustAnchors\[1\]\.enabled /m,
      /^\s+trustAnchors\[1\]\.name repeats/m,
      /^\s+roles\[0\]\.trustPolicy\.Statement\[0\] /m,
      /^\s+roles\[1\]\.name /m,
      /^\s+roles\[1\]\.trustPolicy /m,
      /^\s+profiles\[0\]\.roleArns\[0\] /m,
      /^\s+profiles\[0\]\.durationSeconds /m,
    ])
      assert.match(error.message, place);
  });

  test('no STS emulator, or lists that are not lists', async () => {
    await assert.rejects(startRolesAnywhereEmulator({ ...options(), sts: {} as never }), TypeError);
    await assert.rejects(
      startRolesAnywhereEmulator({ ...options(), profiles: {} as never }),
      TypeError,
    );
  });
});

describe('ARNs and switches', () => {
  test('ARNs come from names: the same in every run, distinct per kind', async () => {
    const [a, b] = await Promise.all([
      startRolesAnywhereEmulator(options()),
      startRolesAnywhereEmulator(options()),
    ]);
    try {
      const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/.source;
      assert.match(
        a.trustAnchorArn('main'),
        new RegExp(`^arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/${uuid}$`),
      );
      assert.match(
        a.profileArn('default'),
        new RegExp(`^arn:aws:rolesanywhere:us-east-1:111122223333:profile/${uuid}$`),
      );
      assert.equal(a.trustAnchorArn('main'), b.trustAnchorArn('main'));
      assert.equal(a.profileArn('default'), b.profileArn('default'));
      assert.notEqual(
        a.trustAnchorArn('main').split('/')[1],
        a.profileArn('default').split('/')[1],
      );
      assert.equal(a.roleArn('open'), ROLE);
      assert.throws(() => a.trustAnchorArn('nope'), TypeError);
      assert.throws(() => a.setProfileEnabled('nope', false), TypeError);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a region of another partition, an account of its own', async () => {
    const ra = await startRolesAnywhereEmulator(
      options({ region: 'cn-north-1', account: '444455556666', profiles: [] }),
    );
    try {
      assert.match(ra.trustAnchorArn('main'), /^arn:aws-cn:rolesanywhere:cn-north-1:444455556666:/);
      assert.equal(ra.roleArn('open'), 'arn:aws-cn:iam::444455556666:role/open');
    } finally {
      await ra.close();
    }
  });

  test('a trust anchor and a profile disabled from the start', async () => {
    const ra = await startRolesAnywhereEmulator(
      options({
        trustAnchors: [{ name: 'main', certificatePem: root.pem, enabled: false }],
        profiles: [{ name: 'default', roleArns: [ROLE], enabled: false }],
      }),
    );
    try {
      const fx = { ra, now: { value: NOW } } as Parameters<typeof signed>[0];
      const leaf = root.issueLeaf({ now: NOW });
      const send = async () => {
        const wire = signed(fx, leaf);
        await fetch(wire.url, { method: 'POST', headers: wire.headers, body: wire.body });
        return ra.lastRefusal?.reason;
      };
      assert.equal(await send(), 'resource.trust_anchor_disabled');
      ra.setTrustAnchorEnabled('main', true);
      assert.equal(await send(), 'resource.profile_disabled');
      ra.setProfileEnabled('default', true);
      assert.equal(await send(), undefined);
      assert.equal(ra.sessions.length, 1);
      assert.equal(ra.calls, 3);
      assert.equal(ra.lastRequest?.method, 'POST');
      assert.match(ra.lastRequest?.url ?? '', /^\/sessions\?profileArn=/);
    } finally {
      await ra.close();
    }
  });
});

describe('HTTPS', () => {
  test('serves CreateSession over TLS with a test CA', async () => {
    const ra = await startRolesAnywhereEmulator(options({ tls: true }));
    try {
      assert.match(ra.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(ra.caPem?.includes('BEGIN CERTIFICATE'));
      const wire = signed(
        { ra, now: { value: NOW } } as Parameters<typeof signed>[0],
        root.issueLeaf({ now: NOW }),
      );
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpsRequest(
          wire.url,
          { method: 'POST', headers: wire.headers, ca: ra.caPem, agent: false },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          },
        );
        req.on('error', reject);
        req.end(wire.body);
      });
      assert.equal(status, 201);
    } finally {
      await ra.close();
    }
  });
});
