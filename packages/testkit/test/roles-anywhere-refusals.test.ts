// Every way a CreateSession request must be refused, each on its own: the wire error type and
// status AWS uses, and the emulator's reason code, so a refusal for another reason fails the test.
// Requests are the client signer's, tampered with after signing, or (where the client would never
// make them) validly signed by `resign` so that only the rule under test can refuse them.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, test } from 'node:test';
import {
  basicConstraints,
  dn,
  extKeyUsage,
  keyUsage,
  type RolesAnywhereRefusalReason,
  subjectKeyIdentifier,
  type TestLeaf,
} from '../src/index.ts';
import {
  type Answer,
  minutes,
  NOW,
  resign,
  type SessionRequest,
  send,
  shift,
  signed,
  useRolesAnywhere,
  type WireRequest,
  withAuthorization,
} from './support/roles-anywhere.ts';

const f = useRolesAnywhere();
const DAY = 86_400_000;

beforeEach(() => {
  f.now.value = NOW;
});

function refused(answer: Answer, type: string, status: number, reason: RolesAnywhereRefusalReason) {
  assert.deepEqual(
    { status: answer.status, type: answer.errorType, reason: answer.refusal?.reason },
    { status, type, reason },
  );
  assert.equal(typeof answer.json['message'], 'string');
}

const leaf = (o: Parameters<typeof f.root.issueLeaf>[0] = {}) =>
  f.root.issueLeaf({ now: NOW, ...o });
const request = (l: TestLeaf, r: SessionRequest = {}): Promise<Answer> => send(f, signed(f, l, r));

describe('the signature', () => {
  test('made with another key than the certificate’s', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    refused(
      await request(leaf(), { privateKey: other }),
      'AccessDeniedException',
      403,
      'auth.bad_signature',
    );
  });

  test('under the other algorithm name than the key’s', async () => {
    const wire = withAuthorization(signed(f, leaf({ keyType: 'rsa-2048' })), (v) =>
      v.replace('AWS4-X509-RSA-SHA256', 'AWS4-X509-ECDSA-SHA256'),
    );
    refused(await send(f, wire), 'AccessDeniedException', 403, 'auth.algorithm_mismatch');
  });

  test('over a body changed after signing', async () => {
    const wire = signed(f, leaf());
    const changed: WireRequest = { ...wire, body: wire.body.replace('3600', '900') };
    assert.notEqual(changed.body, wire.body);
    refused(await send(f, changed), 'AccessDeniedException', 403, 'auth.bad_signature');
  });

  test('with a Credential serial that is not the leaf’s', async () => {
    const l = leaf();
    const serial = (l.serial as bigint).toString(10);
    const wire = withAuthorization(signed(f, l), (v) =>
      v.replace(`Credential=${serial}/`, `Credential=${BigInt(serial) + 1n}/`),
    );
    refused(await send(f, wire), 'AccessDeniedException', 403, 'auth.serial_mismatch');
  });

  test('dated more than 5 minutes before or after the clock', async () => {
    const l = leaf();
    for (const offset of [-6, 6]) {
      const wire = signed(f, l, { now: shift(NOW, minutes(offset)) });
      refused(await send(f, wire), 'AccessDeniedException', 403, 'auth.date_out_of_window');
    }
    const inside = await request(l, { now: shift(NOW, minutes(-4)) });
    assert.equal(inside.status, 201);
  });

  test('scoped to another region', async () => {
    refused(
      await request(leaf(), { region: 'eu-west-1' }),
      'AccessDeniedException',
      403,
      'auth.bad_scope',
    );
  });

  test('leaving a required header unsigned, though the signature is valid', async () => {
    const l = leaf();
    const wire = signed(f, l);
    const headers = {
      'content-type': 'application/json',
      'x-amz-x509': wire.headers['x-amz-x509']!,
    };
    const base = { headers, body: wire.body, key: l.key.privateKey, leaf: l, date: NOW };
    const all = await resign(wire.url, {
      ...base,
      algorithm: 'AWS4-X509-ECDSA-SHA256',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-x509'],
    });
    assert.equal((await send(f, all)).status, 201, 'the resigned request is otherwise good');
    const partial = await resign(wire.url, {
      ...base,
      algorithm: 'AWS4-X509-ECDSA-SHA256',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
    });
    refused(await send(f, partial), 'AccessDeniedException', 403, 'auth.header_not_signed');
  });

  test('leaving X-Amz-X509-Chain unsigned when it is sent', async () => {
    const l = f.intermediate.issueLeaf({ now: NOW });
    const wire = signed(f, l);
    const headers = {
      'content-type': 'application/json',
      'x-amz-x509': wire.headers['x-amz-x509']!,
      'x-amz-x509-chain': wire.headers['x-amz-x509-chain']!,
    };
    const unsigned = await resign(wire.url, {
      headers,
      body: wire.body,
      key: l.key.privateKey,
      leaf: l,
      date: NOW,
      algorithm: 'AWS4-X509-ECDSA-SHA256',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-x509'],
    });
    refused(await send(f, unsigned), 'AccessDeniedException', 403, 'auth.header_not_signed');
  });
});

describe('the certificate', () => {
  test('expired', async () => {
    const l = leaf({
      notBefore: new Date(NOW.getTime() - 2 * DAY),
      notAfter: new Date(NOW.getTime() - 1000),
    });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.expired');
  });

  test('not yet valid', async () => {
    const l = leaf({ notBefore: new Date(NOW.getTime() + 60_000) });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.not_yet_valid');
  });

  test('for server authentication only (no clientAuth)', async () => {
    const l = leaf({
      extensions: [
        basicConstraints(false),
        keyUsage(['digitalSignature']),
        extKeyUsage(['serverAuth']),
      ],
    });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.bad_extended_key_usage');
  });

  test('with the CA flag set', async () => {
    const l = leaf({ extensions: [basicConstraints(true), keyUsage(['digitalSignature'])] });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.leaf_is_ca');
  });

  test('without basic constraints (AWS: they MUST say CA:false)', async () => {
    const key = f.root.issueLeaf({ now: NOW }).key;
    const l = leaf({
      key,
      extensions: [keyUsage(['digitalSignature']), subjectKeyIdentifier(key.spki)],
    });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.no_basic_constraints');
  });

  test('chaining to a root that no trust anchor holds', async () => {
    const l = f.stranger.issueLeaf({ now: NOW });
    refused(await request(l), 'AccessDeniedException', 403, 'cert.untrusted');
  });

  test('chaining to another trust anchor than the one named', async () => {
    const l = f.partner.issueLeaf({ now: NOW });
    refused(await request(l, { anchor: 'main' }), 'AccessDeniedException', 403, 'cert.untrusted');
    assert.equal((await request(l, { anchor: 'partner' })).status, 201);
  });

  test('with an attribute STS would refuse as a session tag', async () => {
    const l = leaf({ subject: dn(['CN', 'John Smith (EMP12345)']) });
    refused(await request(l), 'AccessDeniedException', 403, 'policy.tags_unmappable');
  });
});

describe('the trust anchor, profile and role', () => {
  test('a disabled trust anchor, until it is enabled again', async () => {
    const l = f.spare.issueLeaf({ now: NOW });
    f.ra.setTrustAnchorEnabled('spare', false);
    try {
      refused(
        await request(l, { anchor: 'spare' }),
        'AccessDeniedException',
        403,
        'resource.trust_anchor_disabled',
      );
    } finally {
      f.ra.setTrustAnchorEnabled('spare', true);
    }
    assert.equal((await request(l, { anchor: 'spare' })).status, 201);
  });

  test('a disabled profile, until it is enabled again', async () => {
    const l = leaf();
    f.ra.setProfileEnabled('spare', false);
    try {
      refused(
        await request(l, { profile: 'spare' }),
        'AccessDeniedException',
        403,
        'resource.profile_disabled',
      );
    } finally {
      f.ra.setProfileEnabled('spare', true);
    }
    assert.equal((await request(l, { profile: 'spare' })).status, 201);
  });

  test('a role the profile does not list', async () => {
    refused(
      await request(leaf(), { role: 'outsider' }),
      'AccessDeniedException',
      403,
      'resource.role_not_in_profile',
    );
  });

  test('a trust anchor or profile ARN that names nothing', async () => {
    const l = leaf();
    const unknownAnchor = f.ra.trustAnchorArn('main').replace(/[0-9a-f]{12}$/, '000000000000');
    refused(
      await request(l, { trustAnchorArn: unknownAnchor }),
      'ResourceNotFoundException',
      404,
      'resource.trust_anchor_not_found',
    );
    const unknownProfile = f.ra.profileArn('default').replace(/[0-9a-f]{12}$/, '000000000000');
    refused(
      await request(l, { profileArn: unknownProfile }),
      'ResourceNotFoundException',
      404,
      'resource.profile_not_found',
    );
  });
});

describe('the trust policy', () => {
  test('StringEquals aws:PrincipalTag/x509SAN/URI with another SPIFFE ID than the certificate’s', async () => {
    const l = f.intermediate.issueSvid('spiffe://example.org/reviews', { now: NOW });
    refused(await request(l, { role: 'orders' }), 'AccessDeniedException', 403, 'policy.denied');
  });

  test('ArnEquals aws:SourceArn naming another trust anchor', async () => {
    const l = f.partner.issueLeaf({ now: NOW });
    refused(
      await request(l, { anchor: 'partner', role: 'main-only' }),
      'AccessDeniedException',
      403,
      'policy.denied',
    );
  });

  test('allowing sts:AssumeRole but not sts:TagSession and sts:SetSourceIdentity', async () => {
    refused(
      await request(leaf(), { role: 'assume-only' }),
      'AccessDeniedException',
      403,
      'policy.denied',
    );
  });
});

describe('the parameters', () => {
  test('durationSeconds above the profile maximum', async () => {
    refused(
      await request(leaf(), { durationSeconds: 7200 }),
      'ValidationException',
      400,
      'request.duration_above_profile',
    );
  });

  test('roleSessionName where the profile does not accept one', async () => {
    refused(
      await request(leaf(), { roleSessionName: 'job-42' }),
      'ValidationException',
      400,
      'request.role_session_name_not_accepted',
    );
  });

  test('a body key CreateSession does not have, validly signed', async () => {
    const l = leaf();
    const wire = signed(f, l);
    const headers = {
      'content-type': 'application/json',
      'x-amz-x509': wire.headers['x-amz-x509']!,
    };
    const extra = await resign(wire.url, {
      headers,
      body: '{"durationSeconds":3600,"sessionPolicy":"{}"}',
      key: l.key.privateKey,
      leaf: l,
      date: NOW,
      algorithm: 'AWS4-X509-ECDSA-SHA256',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-x509'],
    });
    refused(await send(f, extra), 'ValidationException', 400, 'request.bad_body');
  });

  test('a query parameter sent twice, validly signed', async () => {
    const l = leaf();
    const wire = signed(f, l);
    const url = `${wire.url}&roleArn=${encodeURIComponent(f.ra.roleArn('outsider'))}`;
    const headers = {
      'content-type': 'application/json',
      'x-amz-x509': wire.headers['x-amz-x509']!,
    };
    const twice = await resign(url, {
      headers,
      body: wire.body,
      key: l.key.privateKey,
      leaf: l,
      date: NOW,
      algorithm: 'AWS4-X509-ECDSA-SHA256',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-x509'],
    });
    refused(await send(f, twice), 'ValidationException', 400, 'request.bad_query');
  });

  test('another route than POST /sessions', async () => {
    const response = await fetch(`${f.ra.url}/session`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.equal(f.ra.lastRefusal?.reason, 'request.unknown_operation');
  });
});
