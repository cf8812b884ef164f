// CreateSession through the emulator on loopback, signed by the client's signer: RSA 2048 and
// 3072, P-256 and P-384 leaves, straight from the root and through an intermediate; AWS's answer
// shape; the issued credentials working against the STS emulator; the session name and duration
// rules; and the trust policy's conditions allowing what they should.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { createSession } from '@rolegate/client';
import { dn, type TestKeyType } from '../src/index.ts';
import { jsonError, send as sendToSts } from './support/http.ts';
import {
  ACCOUNT,
  NOW,
  ORDERS_ID,
  type RolesAnywhereFixture,
  send,
  signed,
  useRolesAnywhere,
} from './support/roles-anywhere.ts';
import { signPost } from './support/sign.ts';

const f = useRolesAnywhere();

beforeEach(() => {
  f.now.value = NOW;
});

const KEY_TYPES: TestKeyType[] = ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'];

/** GetCallerIdentity to the STS emulator, SigV4-signed with the session's credentials. */
async function callerArn(fx: RolesAnywhereFixture, credentials: Record<string, unknown>) {
  const wire = await signPost({
    credentials: {
      accessKeyId: credentials['accessKeyId'] as string,
      secretAccessKey: credentials['secretAccessKey'] as string,
      sessionToken: credentials['sessionToken'] as string,
    },
    date: fx.now.value,
  });
  const answer = await sendToSts(fx.sts, wire, { accept: 'application/json' });
  if (answer.status !== 200) return `refused: ${jsonError(answer).Code}`;
  const parsed = JSON.parse(answer.body) as {
    GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: string; UserId: string } };
  };
  return parsed.GetCallerIdentityResponse.GetCallerIdentityResult.Arn;
}

describe('a session for every key type, with and without an intermediate', () => {
  for (const keyType of KEY_TYPES) {
    for (const via of ['root', 'intermediate'] as const) {
      test(`${keyType} leaf issued by the ${via}`, async () => {
        const ca = via === 'root' ? f.root : f.intermediate;
        const leaf = ca.issueLeaf({ keyType, now: NOW, subject: dn(['CN', `svc-${keyType}`]) });
        const serial = BigInt(leaf.serial as bigint).toString(16);
        const hex = serial.length % 2 === 0 ? serial : `0${serial}`;
        const answer = await send(f, signed(f, leaf));
        assert.equal(answer.status, 201, JSON.stringify(answer.json));
        const sessionArn = `arn:aws:sts::${ACCOUNT}:assumed-role/open/${hex}`;
        const [entry] = answer.json['credentialSet'] as Record<string, unknown>[];
        assert.deepEqual(Object.keys(answer.json).sort(), ['credentialSet', 'subjectArn']);
        assert.match(
          answer.json['subjectArn'] as string,
          /^arn:aws:rolesanywhere:us-east-1:111122223333:subject\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        assert.deepEqual(Object.keys(entry!).sort(), [
          'assumedRoleUser',
          'credentials',
          'packedPolicySize',
          'roleArn',
          'sourceIdentity',
        ]);
        const user = entry!['assumedRoleUser'] as Record<string, string>;
        assert.equal(user['arn'], sessionArn);
        assert.match(user['assumedRoleId']!, new RegExp(`^AROA[A-Z2-7]{17}:${hex}$`));
        assert.equal(entry!['roleArn'], `arn:aws:iam::${ACCOUNT}:role/open`);
        assert.equal(entry!['sourceIdentity'], `CN=svc-${keyType}`);
        assert.equal(typeof entry!['packedPolicySize'], 'number');
        const credentials = entry!['credentials'] as Record<string, string>;
        assert.match(credentials['accessKeyId']!, /^ASIA[A-Z2-7]{16}$/);
        assert.equal(credentials['expiration'], '2026-03-04T06:06:07Z');
        const record = f.ra.sessions.at(-1)!;
        assert.equal(record.sessionArn, sessionArn);
        assert.equal(record.serialHex, hex);
        assert.equal(record.accessKeyId, credentials['accessKeyId']);
        assert.equal(record.trustAnchorArn, f.ra.trustAnchorArn('main'));
        assert.equal(record.tags['x509Subject/CN'], `svc-${keyType}`);
        assert.equal(
          record.tags['x509Issuer/CN'],
          via === 'root' ? 'main root' : 'main intermediate',
        );
        assert.equal(await callerArn(f, credentials), sessionArn);
      });
    }
  }
});

describe('the issued credentials', () => {
  test('are refused by STS once expired', async () => {
    const leaf = f.root.issueLeaf({ now: NOW });
    const answer = await send(f, signed(f, leaf, { durationSeconds: 900 }));
    assert.equal(answer.status, 201);
    const [entry] = answer.json['credentialSet'] as Record<string, unknown>[];
    f.now.value = new Date(NOW.getTime() + 901_000);
    assert.equal(
      await callerArn(f, entry!['credentials'] as Record<string, unknown>),
      'refused: ExpiredToken',
    );
  });

  test("come out of the client's createSession too", async () => {
    const leaf = f.intermediate.issueLeaf({ keyType: 'ec-p384', now: NOW });
    const session = await createSession({
      endpoint: f.ra.url,
      region: f.ra.region,
      trustAnchorArn: f.ra.trustAnchorArn('main'),
      profileArn: f.ra.profileArn('default'),
      roleArn: f.ra.roleArn('open'),
      certificate: leaf.der,
      intermediates: [f.intermediate.der],
      privateKey: leaf.key.privateKey,
      now: NOW,
    });
    assert.equal(session.assumedRoleArn, f.ra.sessions.at(-1)!.sessionArn);
    assert.equal(session.expiration.toISOString(), '2026-03-04T06:06:07.000Z');
  });
});

describe('duration and session name', () => {
  test('the session lasts what was asked, up to the profile maximum', async () => {
    const leaf = f.root.issueLeaf({ now: NOW });
    const answer = await send(f, signed(f, leaf, { profile: 'named', durationSeconds: 7200 }));
    assert.equal(answer.status, 201);
    assert.equal(f.ra.sessions.at(-1)!.expiration, '2026-03-04T07:06:07Z');
  });

  test('a profile that accepts roleSessionName names the session with it', async () => {
    const leaf = f.root.issueLeaf({ now: NOW });
    const answer = await send(f, signed(f, leaf, { profile: 'named', roleSessionName: 'job-42' }));
    assert.equal(answer.status, 201);
    const record = f.ra.sessions.at(-1)!;
    assert.equal(record.sessionArn, `arn:aws:sts::${ACCOUNT}:assumed-role/open/job-42`);
    const [entry] = answer.json['credentialSet'] as Record<string, unknown>[];
    assert.equal(
      await callerArn(f, entry!['credentials'] as Record<string, unknown>),
      record.sessionArn,
    );
  });
});

describe('trust policy conditions that hold', () => {
  test('StringEquals on aws:PrincipalTag/x509SAN/URI with the SPIFFE ID the certificate has', async () => {
    const leaf = f.intermediate.issueSvid(ORDERS_ID, { now: NOW });
    const answer = await send(f, signed(f, leaf, { role: 'orders' }));
    assert.equal(answer.status, 201);
    assert.equal(f.ra.sessions.at(-1)!.tags['x509SAN/URI'], ORDERS_ID);
  });

  test('ArnEquals on aws:SourceArn with the trust anchor the path ends at', async () => {
    const leaf = f.root.issueLeaf({ now: NOW });
    const answer = await send(f, signed(f, leaf, { role: 'main-only' }));
    assert.equal(answer.status, 201);
  });
});
