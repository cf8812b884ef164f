// The token source: caching per audience, coalescing, refresh ahead of expiry, back-off, the
// provider chain, the authorizing fetch — and end to end against a real broker and STS emulator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRootAuthority } from '@rolegate/testkit';
import { type Harness, LOGIN_AUDIENCE, startHarness } from '../../broker/test/support/harness.ts';
import { createX509Fixture, type X509Fixture } from '../../broker/test/x509/support/pki-fixture.ts';
import {
  chainTokenProviders,
  createAuthorizedFetch,
  discoverLoginAudience,
  fromBrokerWithAwsCredentials,
  fromBrokerWithCertificate,
  fromToken,
  fromTokenFile,
  type IssuedToken,
  RolegateClientError,
  TokenSource,
} from '../src/index.ts';

function tokenFor(now: number, lifetimeMs: number, value = `t${now}`): IssuedToken {
  return {
    accessToken: value,
    tokenType: 'Bearer',
    issuedTokenType: 'jwt',
    expiresIn: lifetimeMs / 1000,
    expiresAt: new Date(now + lifetimeMs),
  };
}

describe('TokenSource', () => {
  it('caches per audience and coalesces concurrent callers onto one request', async () => {
    let calls = 0;
    const source = new TokenSource({
      provider: async (aud) => {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return tokenFor(Date.now(), 900_000, `${aud}-${calls}`);
      },
    });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source.getToken('a')));
    assert.equal(calls, 1);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(await source.getToken('a'), tokens[0]);
    assert.equal(await source.getToken('b'), 'b-2');
    assert.equal(calls, 2);
  });

  it('refreshes in the background ahead of expiry while the old token still serves', async () => {
    let now = 1_000_000;
    let calls = 0;
    const source = new TokenSource({
      now: () => now,
      provider: async () => tokenFor(now, 900_000, `t${++calls}`),
    });
    assert.equal(await source.getToken('a'), 't1');
    now += 600_000; // 5 minutes left of 15: more than 25% remains
    assert.equal(await source.getToken('a'), 't1');
    assert.equal(calls, 1);
    now += 120_000; // 3 minutes left: refresh ahead, answer with the current token
    assert.equal(await source.getToken('a'), 't1');
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 2);
    assert.equal(await source.getToken('a'), 't2');
  });

  it('after a failure with no valid token, backs off instead of hammering, honouring Retry-After', async () => {
    let now = 0;
    let calls = 0;
    const source = new TokenSource({
      now: () => now,
      provider: async () => {
        calls++;
        throw new RolegateClientError('client.broker_rejected', 'throttled', {
          status: 429,
          retryAfterSeconds: 10,
        });
      },
    });
    await assert.rejects(source.getToken('a'), { code: 'client.broker_rejected' });
    await assert.rejects(source.getToken('a'), { code: 'client.broker_rejected' });
    assert.equal(calls, 1, 'second call answered from the back-off, not the broker');
    now += 10_001;
    await assert.rejects(source.getToken('a'));
    assert.equal(calls, 2);
  });

  it('a failed background refresh keeps serving the valid token', async () => {
    let now = 0;
    let fail = false;
    const source = new TokenSource({
      now: () => now,
      provider: async () => {
        if (fail) throw new Error('broker down');
        return tokenFor(now, 900_000, 'good');
      },
    });
    await source.getToken('a');
    fail = true;
    now = 800_000;
    assert.equal(await source.getToken('a'), 'good');
    await new Promise((r) => setImmediate(r));
    assert.equal(await source.getToken('a'), 'good');
    now = 896_000; // inside the expiry margin: no longer handed out
    await assert.rejects(source.getToken('a'), /broker down/);
  });

  it('invalidate forces a new token', async () => {
    let calls = 0;
    const source = new TokenSource({
      provider: async () => tokenFor(Date.now(), 900_000, `t${++calls}`),
    });
    await source.getToken('a');
    source.invalidate('a');
    assert.equal(await source.getToken('a'), 't2');
  });
});

describe('providers and the chain', () => {
  const jwt = (exp: number) =>
    `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

  it('skips unconfigured providers and takes the first configured one', async () => {
    const provider = chainTokenProviders(
      fromToken(undefined),
      fromTokenFile(undefined),
      fromToken(jwt(4_000_000_000)),
    );
    const token = await provider('a');
    assert.equal(token.expiresAt.getTime(), 4_000_000_000_000);
  });

  it('a configured provider that fails stops the chain', async () => {
    const provider = chainTokenProviders(fromTokenFile('/nonexistent/token'), fromToken('x.y.z'));
    await assert.rejects(provider('a'), { code: 'client.token_file_unreadable' });
  });

  it('nothing configured → client.no_token_source', async () => {
    const source = new TokenSource({
      provider: chainTokenProviders(
        fromToken(undefined),
        fromBrokerWithAwsCredentials({ brokerUrl: undefined }),
      ),
    });
    const saved = process.env.ROLEGATE_BROKER_URL;
    delete process.env.ROLEGATE_BROKER_URL;
    try {
      await assert.rejects(source.getToken('a'), { code: 'client.no_token_source' });
    } finally {
      if (saved !== undefined) process.env.ROLEGATE_BROKER_URL = saved;
    }
  });

  it('a token file is re-read on each refresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-tokenfile-'));
    const file = join(dir, 'token');
    writeFileSync(file, `${jwt(4_000_000_000)}\n`);
    const provider = fromTokenFile(file);
    assert.equal((await provider('a')).accessToken, jwt(4_000_000_000));
    writeFileSync(file, jwt(4_000_000_001));
    assert.equal((await provider('a')).accessToken, jwt(4_000_000_001));
  });
});

describe('against a real broker', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('the broker provider gets a token with the configured login audience', async () => {
    const orders = h.identity('orders');
    const source = new TokenSource({
      provider: fromBrokerWithAwsCredentials({
        brokerUrl: h.brokerUrl,
        loginAudience: LOGIN_AUDIENCE,
        credentials: {
          accessKeyId: orders.accessKeyId,
          secretAccessKey: orders.secretAccessKey,
          sessionToken: orders.sessionToken,
        },
        endpoint: { kind: 'regional', region: 'us-east-1' },
      }),
    });
    const [a, b] = await Promise.all([
      source.getToken('https://billing.example'),
      source.getToken('https://billing.example'),
    ]);
    assert.equal(a, b);
    const payload = JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString());
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/orders');
    assert.equal(payload.aud, 'https://billing.example');
    const other = await source.getToken('https://rates.example');
    assert.notEqual(other, a);
  });

  it("a discovered login audience must be the broker's own origin (no relaying proofs)", async () => {
    // This broker's login audience is https://broker.test, not its own origin: a client that
    // trusted discovery could be made to sign proofs for another broker and hand them over.
    const provider = fromBrokerWithAwsCredentials({
      brokerUrl: h.brokerUrl,
      credentials: { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' },
    });
    await assert.rejects(provider('https://billing.example'), {
      code: 'client.login_audience_mismatch',
    });
    assert.equal(
      await discoverLoginAudience('http://127.0.0.1:1').catch((e) => e.code),
      'client.broker_unreachable',
    );
  });

  it('the authorizing fetch attaches the token only for URLs with an audience', async () => {
    const alice = h.identity('alice');
    const source = new TokenSource({
      provider: fromBrokerWithAwsCredentials({
        brokerUrl: h.brokerUrl,
        loginAudience: LOGIN_AUDIENCE,
        credentials: { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey },
        endpoint: { kind: 'global' },
      }),
    });
    const seen: (string | null)[] = [];
    const recordingFetch = (async (input: Request) => {
      seen.push(input.headers.get('authorization'));
      return new Response('ok', { status: input.url.includes('/gone') ? 401 : 200 });
    }) as typeof fetch;
    const authorized = createAuthorizedFetch({
      tokenSource: source,
      audienceFor: (url) =>
        url.hostname === 'billing.example' ? 'https://billing.example' : undefined,
      fetch: recordingFetch,
    });
    await authorized('https://billing.example/invoices');
    await authorized('https://elsewhere.example/');
    await authorized('https://billing.example/x', { headers: { authorization: 'Basic abc' } });
    assert.match(seen[0]!, /^Bearer eyJ/);
    assert.equal(seen[1], null, 'no token for a host without an audience');
    assert.equal(seen[2], 'Basic abc', 'an explicit Authorization is kept');
    await authorized('https://billing.example/gone');
    await authorized('https://billing.example/again');
    assert.notEqual(seen[4], seen[0], 'a 401 makes the next call fetch a new token');
  });
});

describe('the certificate provider against a real broker', () => {
  let fixture: X509Fixture;
  let h: Harness;
  let dir: string;
  before(async () => {
    fixture = createX509Fixture();
    h = await startHarness({ x509: fixture.x509 });
    dir = mkdtempSync(join(tmpdir(), 'rolegate-cert-provider-'));
  });
  after(async () => {
    await h.close();
    fixture.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  it('logs in with the SVID files, re-reading them for every token (a rotated SVID is used)', async () => {
    const leaf = fixture.svids.valid;
    const certificateFile = write('svid.pem', leaf.pem);
    const privateKeyFile = write('svid-key.pem', leaf.key.privateKeyPem);
    const chainFile = write(
      'bundle-chain.pem',
      leaf.chain
        .slice(1)
        .map((c) => c.pem)
        .join(''),
    );
    const provider = fromBrokerWithCertificate({
      brokerUrl: h.brokerUrl,
      loginAudience: LOGIN_AUDIENCE,
      certificateFile,
      privateKeyFile,
      chainFile,
    });
    const first = await provider('https://billing.example');
    const claims = JSON.parse(
      Buffer.from(first.accessToken.split('.')[1]!, 'base64url').toString(),
    );
    assert.equal(claims.rolegate.method, 'x509');
    assert.equal(claims.rolegate.tags['x509SAN/URI'], 'spiffe://example.org/workload');

    // The agent rotates the SVID: the next token comes from the new certificate.
    const rotated = fixture.svids.intermediate.issueSvid('spiffe://example.org/workload/reviews');
    writeFileSync(certificateFile, rotated.pem);
    writeFileSync(privateKeyFile, rotated.key.privateKeyPem);
    const second = await provider('https://billing.example');
    const next = JSON.parse(Buffer.from(second.accessToken.split('.')[1]!, 'base64url').toString());
    assert.equal(next.rolegate.tags['x509SAN/URI'], 'spiffe://example.org/workload/reviews');
  });

  it('skips without a certificate; a certificate without key or broker is an error, not a skip', async () => {
    const skipped = await fromBrokerWithCertificate({ certificateFile: undefined })('a').then(
      () => 'token',
      (e: Error) => e.name,
    );
    assert.equal(skipped, 'TokenProviderSkipped');
    const certificateFile = write('lonely.pem', fixture.svids.valid.pem);
    const noKey = fromBrokerWithCertificate({ brokerUrl: h.brokerUrl, certificateFile });
    await assert.rejects(noKey('a'), { code: 'client.certificate_invalid' });
  });

  it('the broker refuses a certificate it does not trust, and says why', async () => {
    const stranger = createRootAuthority().issueSvid('spiffe://example.org/workload/orders');
    const provider = fromBrokerWithCertificate({
      brokerUrl: h.brokerUrl,
      loginAudience: LOGIN_AUDIENCE,
      certificateFile: write('stranger.pem', stranger.pem),
      privateKeyFile: write('stranger-key.pem', stranger.key.privateKeyPem),
    });
    await assert.rejects(provider('https://billing.example'), {
      code: 'client.broker_rejected',
      rolegateCode: 'cert.untrusted',
    });
  });
});
