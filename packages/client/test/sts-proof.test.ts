// The client's proofs: endpoint choice, one signing second per proof, option checks, and what
// the broker's answers turn into.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  createStsProof,
  defaultStsEndpoint,
  describeStsProof,
  exchangeToken,
  type RolegateClientError,
  resolveStsEndpoint,
} from '../src/index.ts';
import { uniqueSigningDate } from '../src/signing-clock.ts';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('STS endpoints', () => {
  it('regional by AWS_REGION, global only without a region', () => {
    assert.deepEqual(defaultStsEndpoint({ AWS_REGION: 'eu-west-1' }), {
      host: 'sts.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });
    assert.deepEqual(
      defaultStsEndpoint({ AWS_DEFAULT_REGION: 'ap-south-2' }).host,
      'sts.ap-south-2.amazonaws.com',
    );
    assert.deepEqual(defaultStsEndpoint({}), { host: 'sts.amazonaws.com', region: 'us-east-1' });
  });
  it('FIPS, dual-stack, China and GovCloud hosts', () => {
    assert.equal(
      resolveStsEndpoint({ kind: 'regional', region: 'us-east-2', fips: true }).host,
      'sts-fips.us-east-2.amazonaws.com',
    );
    assert.equal(
      resolveStsEndpoint({ kind: 'regional', region: 'eu-west-1', dualStack: true }).host,
      'sts.eu-west-1.api.aws',
    );
    assert.equal(
      resolveStsEndpoint({ kind: 'regional', region: 'cn-north-1' }).host,
      'sts.cn-north-1.amazonaws.com.cn',
    );
    assert.equal(
      resolveStsEndpoint({ kind: 'regional', region: 'us-gov-west-1' }).host,
      'sts.us-gov-west-1.amazonaws.com',
    );
  });
  it('refuses a region that could smuggle a host', () => {
    for (const region of ['evil.example#', 'us-east-1.evil.com', 'US-EAST-1', '']) {
      assert.throws(() => resolveStsEndpoint({ kind: 'regional', region }), TypeError, region);
    }
  });
});

describe('proofs', () => {
  it('sign host and x-rolegate-audience for the chosen endpoint', async () => {
    const url = describeStsProof(
      await createStsProof({
        audience: 'https://broker.example',
        credentials,
        endpoint: { kind: 'regional', region: 'eu-west-1' },
      }),
    );
    assert.equal(url.host, 'sts.eu-west-1.amazonaws.com');
    assert.equal(
      url.searchParams.get('X-Amz-SignedHeaders'),
      'host;x-rolegate-audience;x-rolegate-nonce',
    );
    assert.match(
      url.searchParams.get('X-Amz-Credential')!,
      /^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request$/,
    );
    assert.equal(url.searchParams.get('X-Amz-Expires'), '300');
  });
  it('carry their nonce after the URL; without one, the older form', async () => {
    const make = (nonce?: boolean) =>
      createStsProof({ audience: 'a', credentials, endpoint: { kind: 'global' }, nonce });
    const [withNonce, without] = await Promise.all([make(), make(false)]);
    assert.match(withNonce, /^rgsts1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.match(without, /^rgsts1\.[A-Za-z0-9_-]+$/);
    assert.equal(
      describeStsProof(without).searchParams.get('X-Amz-SignedHeaders'),
      'host;x-rolegate-audience',
    );
  });
  it('carry the session token, encoded', async () => {
    const token = 'IQoJb3+/=';
    const proof = await createStsProof({
      audience: 'a',
      credentials: { ...credentials, sessionToken: token },
      endpoint: { kind: 'global' },
    });
    assert.match(describeStsProof(proof).search, /X-Amz-Security-Token=IQoJb3%2B%2F%3D/);
  });
  it('two proofs of one key made at once differ', async () => {
    const make = () =>
      createStsProof({
        audience: 'a',
        credentials: { ...credentials, accessKeyId: 'AKIAUNIQUEUNIQUE0001' },
        endpoint: { kind: 'global' },
      });
    const proofs = await Promise.all([make(), make(), make()]);
    assert.equal(new Set(proofs).size, 3);
  });
  it('refuse bad options', async () => {
    await assert.rejects(createStsProof({ audience: 'has space', credentials }), {
      code: 'client.invalid_option',
    });
    await assert.rejects(createStsProof({ audience: 'a', credentials, expiresInSeconds: 901 }), {
      code: 'client.invalid_option',
    });
  });
  it('report a failing credential provider with a stable code', async () => {
    await assert.rejects(
      createStsProof({
        audience: 'a',
        credentials: async () => Promise.reject(new Error('no profile')),
      }),
      { code: 'client.credentials_unavailable' },
    );
  });
});

describe('signing clock', () => {
  it('gives each proof of a key its own second, stepping back from now', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
    const dates = Array.from(
      { length: 5 },
      () => uniqueSigningDate('AKIACLOCKCLOCKCLOCK1', now).getTime() / 1000,
    );
    assert.deepEqual(
      dates,
      [0, -1, -2, -3, -4].map((d) => Math.floor(now / 1000) + d),
    );
    assert.equal(
      uniqueSigningDate('AKIACLOCKCLOCKCLOCK2', now).getTime(),
      Math.floor(now / 1000) * 1000,
    );
  });
  it('never steps back more than 5 minutes', () => {
    const now = Date.UTC(2026, 0, 1, 13, 0, 0);
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 400; i++)
      oldest = Math.min(oldest, uniqueSigningDate('AKIACLOCKCLOCKCLOCK3', now).getTime());
    assert.ok(now - oldest <= 300_000);
  });
});

describe('token exchange', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: string; headers?: Record<string, string> };
  let received: string;
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received = body;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const exchange = () =>
    exchangeToken({
      brokerUrl: url,
      audience: 'https://svc',
      subjectToken: 'rgsts1.x',
      subjectTokenType: 'urn:t',
    });

  it('sends an RFC 8693 form and returns the token', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        access_token: 'tok',
        token_type: 'Bearer',
        expires_in: 900,
        issued_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      }),
    };
    const token = await exchange();
    assert.equal(token.accessToken, 'tok');
    assert.equal(token.expiresIn, 900);
    const form = new URLSearchParams(received);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(form.get('audience'), 'https://svc');
  });
  it('a refusal carries the broker code, status and Retry-After', async () => {
    answer = {
      status: 429,
      headers: { 'retry-after': '3' },
      body: JSON.stringify({
        error: 'temporarily_unavailable',
        error_description: 'x',
        rolegate_code: 'sts.throttled',
      }),
    };
    await assert.rejects(exchange(), (e: RolegateClientError) => {
      assert.equal(e.code, 'client.broker_rejected');
      assert.equal(e.rolegateCode, 'sts.throttled');
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterSeconds, 3);
      return true;
    });
  });
  it('a broker cannot write a log line, an escape or the proof into the error', async () => {
    answer = {
      status: 400,
      body: JSON.stringify({
        error: 'invalid_request\n{"level":30,"msg":"forged"}',
        error_description: `bad \u001b[2J proof rgsts1.x\r\n${'y'.repeat(5_000)}`,
        rolegate_code: 'proof.bad\nx',
      }),
    };
    await assert.rejects(exchange(), (e: RolegateClientError) => {
      assert.equal(e.code, 'client.broker_rejected');
      assert.doesNotMatch(e.message, /[^\x20-\x7e…]/); // printable ASCII only
      assert.doesNotMatch(e.message, /rgsts1\.x/);
      assert.ok(e.message.length < 600, String(e.message.length));
      assert.doesNotMatch(String(e.oauthError), /\n/);
      assert.doesNotMatch(String(e.rolegateCode), /\n/);
      return true;
    });
  });
  it('2xx without a token is a bad response', async () => {
    answer = { status: 200, body: '{"ok":true}' };
    await assert.rejects(exchange(), { code: 'client.broker_bad_response' });
  });
  it('refuses to send a proof to a plain-http broker that is not on loopback', async () => {
    await assert.rejects(
      exchangeToken({
        brokerUrl: 'http://broker.example',
        audience: 'a',
        subjectToken: 'x',
        subjectTokenType: 't',
      }),
      { code: 'client.invalid_option' },
    );
  });
  it('an unreachable broker', async () => {
    await assert.rejects(
      exchangeToken({
        brokerUrl: 'http://127.0.0.1:1',
        audience: 'a',
        subjectToken: 'x',
        subjectTokenType: 't',
      }),
      { code: 'client.broker_unreachable' },
    );
  });
});
