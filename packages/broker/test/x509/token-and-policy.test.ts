// What a certificate login issues and who may get it: the token's claims (profile role as `sub`,
// serial as session name, tags, source identity, exp capped by the certificate), the login policy
// deciding on `aws:PrincipalTag/*`, and the Lattice seed scenario decided by @rolegate/verify on
// the principal of tokens that came through this login.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compilePolicy } from '@rolegate/policy';
import { authorize, createVerifier } from '@rolegate/verify';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import {
  CORP_ROLE,
  createX509Fixture,
  offlineLogins,
  SPIFFE_ROLE,
  type X509Fixture,
} from './support/pki-fixture.ts';
import {
  assertionFor,
  startX509Harness,
  TARGET_AUDIENCE,
  type X509Harness,
} from './support/x509-harness.ts';

const f: X509Fixture = createX509Fixture();
const ORDERS = 'spiffe://example.org/orders';
const REVIEWS = 'spiffe://example.org/reviews';
const orders = f.svids.intermediate.issueSvid(ORDERS);
const reviews = f.svids.intermediate.issueSvid(REVIEWS);

after(() => f.cleanup());

async function claimsOf(h: X509Harness, token: string, audience = TARGET_AUDIENCE) {
  const jwks = (await (
    await fetch(`${h.brokerUrl}/.well-known/jwks.json`)
  ).json()) as JSONWebKeySet;
  return (
    await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'http://broker.test', audience })
  ).payload;
}

describe('the token of an X.509 login', () => {
  let h: X509Harness;
  before(async () => {
    h = await startX509Harness(f, {
      tokens: { ttlSeconds: 900 },
      x509: {
        ...f.x509,
        profiles: [
          ...f.x509.profiles!.filter((p) => p.name !== 'corp'),
          {
            name: 'corp',
            trustAnchor: 'corp',
            roleArn: 'arn:aws:iam::111122223333:role/clients/corp-client',
            ttlSeconds: 300,
          },
        ],
      },
    });
  });
  after(() => h?.close());

  it('an X.509-SVID becomes the profile role, its serial the session name', async () => {
    const res = await h.send(await assertionFor(orders));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.expires_in, 900);
    const claims = await claimsOf(h, res.body.access_token as string);
    const serial = hexSerial(orders.serial);
    assert.equal(claims.sub, SPIFFE_ROLE);
    assert.equal(claims.exp! - claims.iat!, 900);
    assert.deepEqual(claims.rolegate, {
      v: 1,
      method: 'x509',
      principal_type: 'AssumedRole',
      account: '111122223333',
      partition: 'aws',
      session_arn: `arn:aws:sts::111122223333:assumed-role/spiffe-workload/${serial}`,
      session_name: serial,
      user_id: `x509:trustDomain:example.org:${serial}`,
      tags: {
        'x509Subject/C': 'US',
        'x509Subject/O': 'SPIRE',
        'x509Issuer/O': 'example.org',
        'x509Issuer/CN': 'intermediate',
        'x509SAN/URI': ORDERS,
      },
      // An SVID has no CN: the source identity is the serial.
      source_identity: `ID=${serial}`,
    });
  });

  it('a plain client certificate becomes its anchor profile role (path-less), with CN source identity', async () => {
    const res = await h.send(await assertionFor(f.clients.valid));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const claims = await claimsOf(h, res.body.access_token as string);
    assert.equal(claims.sub, CORP_ROLE);
    const rg = claims.rolegate as Record<string, unknown>;
    assert.equal(rg.source_identity, 'CN=client');
    assert.equal(rg.user_id, `x509:trustAnchor:corp:${rg.session_name}`);
    // The profile caps this one at 300 s.
    assert.equal(res.body.expires_in, 300);
  });

  it('exp = min(now + ttl, the certificate notAfter)', async () => {
    const soon = new Date(Date.now() + 120_000);
    const short = f.svids.intermediate.issueSvid(ORDERS, { notAfter: soon });
    const res = await h.send(await assertionFor(short));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const exp = decodeJwt(res.body.access_token as string).exp!;
    assert.equal(exp, Math.floor(soon.getTime() / 1000));
    assert.ok((res.body.expires_in as number) <= 120 && (res.body.expires_in as number) >= 110);
  });

  it('a credential past its end but within the clock skew gets no token (it would be born expired)', async () => {
    const ended = f.svids.intermediate.issueSvid(ORDERS, {
      notAfter: new Date(Date.now() - 10_000),
    });
    const res = await h.send(await assertionFor(ended));
    assert.equal(res.status, 401);
    assert.equal(res.body.rolegate_code, 'cert.expired');
    const svid = await f.jwt.issue({
      spiffeId: ORDERS,
      audience: 'https://broker.test',
      now: new Date(Date.now() - 70_000),
      expiresIn: 60,
    });
    const jwt = await h.send(svid, 'urn:ietf:params:oauth:token-type:jwt');
    assert.equal(jwt.body.rolegate_code, 'jwt_svid.expired');
  });

  it('clock skew: valid from 30 s ahead is accepted, from 90 s ahead is not (skew 60 s)', async () => {
    const ahead = (s: number) =>
      f.svids.intermediate.issueSvid(ORDERS, { notBefore: new Date(Date.now() + s * 1000) });
    assert.equal((await h.send(await assertionFor(ahead(30)))).status, 200);
    assert.equal(
      (await h.send(await assertionFor(ahead(90)))).body.rolegate_code,
      'cert.not_yet_valid',
    );
  });

  it('a tag STS would refuse is left out of the token, and the log says which and why', async () => {
    const odd = f.svids.intermediate.issueSvid(ORDERS, {
      subject: [[['O', 'Acme, "Inc"']], [['CN', 'fine']]],
    });
    const res = await h.send(await assertionFor(odd));
    assert.equal(res.status, 200);
    const tags = (decodeJwt(res.body.access_token as string).rolegate as { tags: object }).tags;
    assert.equal('x509Subject/O' in tags, false);
    assert.equal((tags as Record<string, string>)['x509Subject/CN'], 'fine');
    assert.match(h.logs(), /"dropped_tags":\[\{"key":"x509Subject\/O","reason":"characters"\}\]/);
    const line = h
      .logs()
      .split('\n')
      .find((l) => l.includes('certificate tags dropped'))!;
    assert.ok(!line.includes('Inc'), 'the drop is logged without the value');
  });

  it('a trust source without a profile admits nobody (403 profile.not_found)', async () => {
    const { x509Login } = offlineLogins({
      ...f.x509,
      profiles: f.x509.profiles!.filter((p) => p.name !== 'spiffe'),
    });
    await assert.rejects(x509Login.authenticate(await assertionFor(orders)), {
      code: 'profile.not_found',
    });
  });

  it('the token never outlives an intermediate either', async () => {
    const until = new Date(Date.now() + 200_000);
    const mid = f.svids.root.createIntermediate({ notAfter: until });
    const res = await h.send(await assertionFor(mid.issueSvid(ORDERS)));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(
      decodeJwt(res.body.access_token as string).exp,
      Math.floor(until.getTime() / 1000),
    );
  });

  it('the log names the login, never the assertion or its signature', async () => {
    const assertion = await assertionFor(orders);
    await h.send(assertion);
    const logs = h.logs();
    assert.match(logs, /"msg":"x509 login"/);
    assert.match(logs, /"spiffe_id":"spiffe:\/\/example.org\/orders"/);
    assert.ok(!logs.includes(assertion.split('.')[2]!), 'signature in the log');
    assert.ok(!logs.includes(assertion.split('.')[0]!), 'assertion header in the log');
  });
});

function hexSerial(serial: bigint | Uint8Array): string {
  const hex =
    typeof serial === 'bigint' ? serial.toString(16) : Buffer.from(serial).toString('hex');
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

describe('the login policy sees the certificate principal and its tags', () => {
  let h: X509Harness;
  before(async () => {
    h = await startX509Harness(f, {
      loginPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: SPIFFE_ROLE },
            Action: 'rolegate:IssueToken',
            Resource: 'https://billing.example',
            Condition: { StringEquals: { 'aws:PrincipalTag/x509SAN/URI': ORDERS } },
          },
          {
            Effect: 'Allow',
            Principal: { AWS: CORP_ROLE },
            Action: 'rolegate:IssueToken',
            Resource: '*',
            Condition: {
              StringEquals: {
                'aws:SourceIdentity': 'CN=client',
                'aws:PrincipalType': 'AssumedRole',
              },
            },
          },
        ],
      },
    });
  });
  after(() => h?.close());

  it('allowed by the tag: orders for billing', async () => {
    assert.equal(
      (await h.send(await assertionFor(orders), undefined, 'https://billing.example')).status,
      200,
    );
  });

  it('refused: orders for another audience, reviews for billing (403 policy.denied)', async () => {
    for (const [leaf, audience] of [
      [orders, 'https://rates.example'],
      [reviews, 'https://billing.example'],
    ] as const) {
      const res = await h.send(await assertionFor(leaf), undefined, audience);
      assert.equal(res.status, 403);
      assert.equal(res.body.rolegate_code, 'policy.denied');
    }
  });

  it('allowed by aws:SourceIdentity: the corp client, anywhere', async () => {
    assert.equal(
      (await h.send(await assertionFor(f.clients.valid), undefined, 'https://x.example')).status,
      200,
    );
  });

  it('a refused login still spends the assertion', async () => {
    const assertion = await assertionFor(reviews);
    assert.equal((await h.send(assertion, undefined, 'https://billing.example')).status, 403);
    const again = await h.send(assertion, undefined, 'https://rates.example');
    assert.equal(again.body.rolegate_code, 'assertion.replayed');
  });
});

describe('Lattice seed scenario', () => {
  // orders may call billing and rates, reviews only rates — keyed on the SPIFFE ID tag, as a
  // Lattice auth policy for Roles Anywhere sessions is written.
  const network = compilePolicy(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OrdersCallsBillingAndRates',
          Effect: 'Allow',
          Principal: '*',
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: [
            'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-billing/*',
            'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-rates/*',
          ],
          Condition: { StringEquals: { 'aws:PrincipalTag/x509SAN/URI': ORDERS } },
        },
        {
          Sid: 'ReviewsCallsRates',
          Effect: 'Allow',
          Principal: '*',
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-rates/*',
          Condition: { StringEquals: { 'aws:PrincipalTag/x509SAN/URI': REVIEWS } },
        },
      ],
    }),
    { name: 'lattice.json' },
  );
  let h: X509Harness;
  before(async () => {
    h = await startX509Harness(f);
  });
  after(() => h?.close());

  const decide = async (leaf: typeof orders, service: 'billing' | 'rates') => {
    const audience = `https://${service}.example`;
    const res = await h.send(await assertionFor(leaf), undefined, audience);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const verifier = createVerifier({
      issuer: 'http://broker.test',
      audience,
      jwksUri: `${h.brokerUrl}/.well-known/jwks.json`,
    });
    const principal = await verifier.verify(res.body.access_token as string);
    return authorize(principal, { method: 'GET', url: '/v1/quote', headers: {} }, network, {
      serviceArn: `arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-${service}`,
    }).decision;
  };

  it('orders → billing: Allow', async () => assert.equal(await decide(orders, 'billing'), 'Allow'));
  it('orders → rates: Allow', async () => assert.equal(await decide(orders, 'rates'), 'Allow'));
  it('reviews → rates: Allow', async () => assert.equal(await decide(reviews, 'rates'), 'Allow'));
  it('reviews → billing: ImplicitDeny', async () =>
    assert.equal(await decide(reviews, 'billing'), 'ImplicitDeny'));
  it('a time-limited certificate still decides the same until its token expires', async () => {
    const short = f.svids.intermediate.issueSvid(ORDERS, {
      notAfter: new Date(Date.now() + 90_000),
    });
    assert.equal(await decide(short, 'billing'), 'Allow');
  });
});
