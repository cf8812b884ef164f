// The IMDSv2 endpoint of `roles-anywhere serve`, on loopback: the AWS SDK's own instance-metadata
// provider reads credentials from it (and refreshed ones later), and every way IMDS refuses a
// request is checked — no token, a bad or expired token, a bad TTL, a proxied request, a wrong
// path or method — as are the bounded token store and the answer when no credentials can be had.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { RolegateClientError } from '@rolegate/client';
import {
  DEFAULT_IMDS_PORT,
  type RunningImdsServer,
  startImdsServer,
} from '../src/roles-anywhere/imds-server.ts';
import { MAX_TOKENS } from '../src/roles-anywhere/imds-tokens.ts';
import { RefreshingCredentials } from '../src/roles-anywhere/refreshing-credentials.ts';
import type { SessionCredentials } from '../src/roles-anywhere/session-credentials.ts';

const MINUTE = 60_000;
const ROLE = 'build-runner';
const TOKEN_PATH = '/latest/api/token';
const ROLE_LIST = '/latest/meta-data/iam/security-credentials/';
const ROLE_PATH = `${ROLE_LIST}${ROLE}`;

// The SDK reads its endpoint from the environment; keep it from the machine's own AWS settings.
for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
process.env.AWS_CONFIG_FILE = '/nonexistent/rolegate-test/config';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/rolegate-test/credentials';

function session(n: number, expiresAt: number): SessionCredentials {
  return {
    accessKeyId: `ASIAROLEGATE${n}`,
    secretAccessKey: `secret/${n}+key`,
    sessionToken: `session-token-${n}`,
    expiration: new Date(expiresAt),
  };
}

/** A clock the test moves by hand, starting now. */
function manualClock() {
  let time = Date.now();
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One raw HTTP request (node:http, so headers can repeat and nothing is added or dropped). */
function call(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function newToken(url: string, ttl = '21600'): Promise<string> {
  const answer = await call(url, 'PUT', TOKEN_PATH, {
    'x-aws-ec2-metadata-token-ttl-seconds': ttl,
  });
  assert.equal(answer.status, 200, answer.body);
  return answer.body;
}

/** The AWS SDK's IMDS provider, IMDSv1 fallback off, pointed at `url`. */
function sdkCredentials(url: string) {
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = url;
  return fromInstanceMetadata({ ec2MetadataV1Disabled: true, maxRetries: 0, timeout: 5000 })();
}

describe('IMDSv2 endpoint read by the AWS SDK', () => {
  const clock = manualClock();
  let fetches = 0;
  const credentials = new RefreshingCredentials(
    async () => {
      fetches += 1;
      return session(fetches, clock.now() + 60 * MINUTE);
    },
    { now: clock.now },
  );
  let server: RunningImdsServer;
  before(async () => {
    server = await startImdsServer({ credentials, roleName: ROLE, port: 0 });
  });
  after(() => server.close());

  it('listens on 127.0.0.1 and says so in the URL the SDK is given', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(DEFAULT_IMDS_PORT, 9911);
  });

  it('gives fromInstanceMetadata the session credentials', async () => {
    const got = await sdkCredentials(server.url);
    const expected = session(1, 0);
    assert.equal(got.accessKeyId, expected.accessKeyId);
    assert.equal(got.secretAccessKey, expected.secretAccessKey);
    assert.equal(got.sessionToken, expected.sessionToken);
    // IMDS gives the expiration to the second.
    assert.equal(got.expiration?.getTime(), Math.floor((clock.now() + 60 * MINUTE) / 1000) * 1000);
  });

  it('gives the SDK refreshed credentials once the held ones are due', async () => {
    assert.equal((await sdkCredentials(server.url)).accessKeyId, 'ASIAROLEGATE1');
    clock.advance(55 * MINUTE);
    assert.equal((await sdkCredentials(server.url)).accessKeyId, 'ASIAROLEGATE2');
    assert.equal((await sdkCredentials(server.url)).accessKeyId, 'ASIAROLEGATE2');
    assert.equal(fetches, 2);
  });

  it('answers each step of the IMDSv2 flow as IMDS does', async () => {
    const put = await call(server.url, 'PUT', TOKEN_PATH, {
      'x-aws-ec2-metadata-token-ttl-seconds': '300',
    });
    assert.equal(put.status, 200);
    assert.equal(put.headers['x-aws-ec2-metadata-token-ttl-seconds'], '300');
    assert.match(put.body, /^[\w-]{64}$/);
    const token = { 'x-aws-ec2-metadata-token': put.body };

    for (const path of [ROLE_LIST, ROLE_LIST.slice(0, -1)]) {
      const list = await call(server.url, 'GET', path, token);
      assert.equal(list.status, 200);
      assert.equal(list.body, ROLE);
      assert.match(String(list.headers['x-aws-ec2-metadata-token-ttl-seconds']), /^\d+$/);
    }

    for (const path of [ROLE_PATH, `${ROLE_PATH}/`]) {
      const answer = await call(server.url, 'GET', path, token);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['cache-control'], 'no-store');
      const body = JSON.parse(answer.body);
      assert.deepEqual(Object.keys(body), [
        'Code',
        'LastUpdated',
        'Type',
        'AccessKeyId',
        'SecretAccessKey',
        'Token',
        'Expiration',
      ]);
      assert.equal(body.Code, 'Success');
      assert.equal(body.Type, 'AWS-HMAC');
      assert.match(body.LastUpdated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
  });

  it('answers 401 to a GET without a token', async () => {
    for (const path of [ROLE_LIST, ROLE_PATH]) {
      const answer = await call(server.url, 'GET', path);
      assert.equal(answer.status, 401, path);
      assert.ok(!answer.body.includes('ASIA'));
    }
  });

  it('answers 401 to an unknown token and to a repeated token header', async () => {
    const token = await newToken(server.url);
    const unknown = await call(server.url, 'GET', ROLE_PATH, {
      'x-aws-ec2-metadata-token': `${token.slice(0, -1)}A`,
    });
    assert.equal(unknown.status, 401);
    const twice = await call(server.url, 'GET', ROLE_PATH, {
      'x-aws-ec2-metadata-token': [token, token],
    });
    assert.equal(twice.status, 401);
    assert.ok(!unknown.body.includes('ASIA') && !twice.body.includes('ASIA'));
  });

  it('answers 403 to any request a proxy forwarded (X-Forwarded-For), token or not', async () => {
    const token = await newToken(server.url);
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    const put = await call(server.url, 'PUT', TOKEN_PATH, {
      ...forwarded,
      'x-aws-ec2-metadata-token-ttl-seconds': '60',
    });
    assert.equal(put.status, 403);
    assert.doesNotMatch(put.body, /^[\w-]{64}$/, 'no token in the answer');
    for (const path of [ROLE_LIST, ROLE_PATH]) {
      const get = await call(server.url, 'GET', path, {
        ...forwarded,
        'x-aws-ec2-metadata-token': token,
      });
      assert.equal(get.status, 403, path);
    }
    assert.equal((await call(server.url, 'GET', '/elsewhere', forwarded)).status, 403);
  });

  it('answers 403 to a web page that reached it by DNS rebinding (a DNS name in Host, Origin)', async () => {
    // After attacker.example's DNS answer flips to 127.0.0.1, the browser treats the endpoint as
    // the page's own origin: PUT and the custom headers are allowed, only Host and Origin tell.
    const port = new URL(server.url).port;
    const rebound = { host: `attacker.example:${port}`, origin: `http://attacker.example:${port}` };
    const onlyHost = { host: `attacker.example:${port}` };
    const onlyOrigin = { origin: `http://attacker.example:${port}` };
    for (const headers of [rebound, onlyHost, onlyOrigin, { host: 'localhost.attacker.example' }]) {
      const put = await call(server.url, 'PUT', TOKEN_PATH, {
        ...headers,
        'x-aws-ec2-metadata-token-ttl-seconds': '60',
      });
      assert.equal(put.status, 403, JSON.stringify(headers));
      assert.doesNotMatch(put.body, /^[\w-]{64}$/, 'no token in the answer');
    }
    const token = await newToken(server.url);
    for (const headers of [onlyHost, onlyOrigin]) {
      const get = await call(server.url, 'GET', ROLE_PATH, {
        ...headers,
        'x-aws-ec2-metadata-token': token,
      });
      assert.equal(get.status, 403, JSON.stringify(headers));
      assert.ok(!get.body.includes('ASIA'));
    }
    // What SDKs send: the address or localhost they were given, with or without the port.
    for (const host of [
      `127.0.0.1:${port}`,
      '127.0.0.1',
      `localhost:${port}`,
      'LOCALHOST',
      '[::1]:80',
    ]) {
      const get = await call(server.url, 'GET', ROLE_PATH, {
        host,
        'x-aws-ec2-metadata-token': token,
      });
      assert.equal(get.status, 200, host);
    }
  });

  it('answers 400 to a token request without a TTL of 1 to 21600 seconds', async () => {
    const ttls: Array<string | string[] | undefined> = [
      undefined,
      '',
      '0',
      '21601',
      '-1',
      '+5',
      '1.5',
      'abc',
      '0x10',
      '000000060',
      ['60', '60'],
    ];
    for (const ttl of ttls) {
      const headers: Record<string, string | string[]> =
        ttl === undefined ? {} : { 'x-aws-ec2-metadata-token-ttl-seconds': ttl };
      const answer = await call(server.url, 'PUT', TOKEN_PATH, headers);
      assert.equal(answer.status, 400, JSON.stringify(ttl));
    }
    for (const ttl of ['1', '21600']) assert.ok(await newToken(server.url, ttl));
  });

  it('answers 404 to other paths and 405 to other methods', async () => {
    const token = { 'x-aws-ec2-metadata-token': await newToken(server.url) };
    for (const path of [
      '/',
      '/latest/meta-data/',
      `${ROLE_LIST}other-role`,
      `${ROLE_PATH}//`,
      `${ROLE_PATH}?x=1`,
      '/latest/meta-data/iam/security-credentials/%62uild-runner',
      '/latest/api/token/extra',
    ]) {
      assert.equal((await call(server.url, 'GET', path, token)).status, 404, path);
    }
    const methods: Array<[string, string]> = [
      ['GET', TOKEN_PATH],
      ['POST', TOKEN_PATH],
      ['PUT', ROLE_LIST],
      ['POST', ROLE_PATH],
      ['DELETE', ROLE_PATH],
      ['HEAD', ROLE_PATH],
    ];
    for (const [method, path] of methods) {
      const answer = await call(server.url, method, path, {
        ...token,
        'x-aws-ec2-metadata-token-ttl-seconds': '60',
      });
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers.allow, path === TOKEN_PATH ? 'PUT' : 'GET');
    }
  });
});

describe('IMDSv2 tokens', () => {
  it('expire after their TTL', async () => {
    const clock = manualClock();
    const server = await startImdsServer({
      credentials: { get: async () => session(1, clock.now() + 60 * MINUTE) },
      roleName: ROLE,
      port: 0,
      now: clock.now,
    });
    try {
      const token = { 'x-aws-ec2-metadata-token': await newToken(server.url, '2') };
      clock.advance(1999);
      const before = await call(server.url, 'GET', ROLE_PATH, token);
      assert.equal(before.status, 200);
      assert.equal(before.headers['x-aws-ec2-metadata-token-ttl-seconds'], '1');
      clock.advance(1);
      assert.equal((await call(server.url, 'GET', ROLE_PATH, token)).status, 401);
      assert.equal((await call(server.url, 'GET', ROLE_LIST, token)).status, 401);
    } finally {
      await server.close();
    }
  });

  it(`are at most ${MAX_TOKENS}: a loop of PUTs evicts the oldest`, async () => {
    const server = await startImdsServer({
      credentials: { get: async () => session(1, Date.now() + 60 * MINUTE) },
      roleName: ROLE,
      port: 0,
    });
    try {
      const tokens: string[] = [];
      for (let i = 0; i < MAX_TOKENS + 10; i++) tokens.push(await newToken(server.url));
      const status = async (token: string) =>
        (await call(server.url, 'GET', ROLE_LIST, { 'x-aws-ec2-metadata-token': token })).status;
      for (const evicted of tokens.slice(0, 10)) assert.equal(await status(evicted), 401);
      for (const kept of tokens.slice(10)) assert.equal(await status(kept), 200);
      assert.equal(new Set(tokens).size, tokens.length);
    } finally {
      await server.close();
    }
  });
});

describe('IMDSv2 endpoint without credentials', () => {
  it('answers 500 naming the error code, never its detail, and reports the error', async () => {
    const reported: unknown[] = [];
    const server = await startImdsServer({
      credentials: {
        get: async () => {
          throw new RolegateClientError(
            'client.roles_anywhere_refused',
            'AccessDeniedException for secret-detail-7f3a',
          );
        },
      },
      roleName: ROLE,
      port: 0,
      onError: (error) => reported.push(error),
    });
    try {
      const token = { 'x-aws-ec2-metadata-token': await newToken(server.url) };
      const answer = await call(server.url, 'GET', ROLE_PATH, token);
      assert.equal(answer.status, 500);
      const body = JSON.parse(answer.body);
      assert.equal(body.Code, 'client.roles_anywhere_refused');
      assert.equal(body.Message, 'IAM Roles Anywhere refused to create a session');
      assert.ok(!answer.body.includes('secret-detail'));
      assert.deepEqual(
        reported.map((e) => (e as { code: string }).code),
        ['client.roles_anywhere_refused'],
      );
      await assert.rejects(sdkCredentials(server.url));
    } finally {
      await server.close();
    }
  });

  it('names no code it does not know', async () => {
    const server = await startImdsServer({
      credentials: {
        get: async () => {
          throw new Error('ENOENT: /home/me/secret-key.pem');
        },
      },
      roleName: ROLE,
      port: 0,
    });
    try {
      const token = { 'x-aws-ec2-metadata-token': await newToken(server.url) };
      const answer = await call(server.url, 'GET', ROLE_PATH, token);
      assert.equal(answer.status, 500);
      assert.equal(JSON.parse(answer.body).Code, 'internal_error');
      assert.ok(!answer.body.includes('secret-key'));
    } finally {
      await server.close();
    }
  });
});

describe('startImdsServer options', () => {
  const credentials = { get: async () => session(1, Date.now() + 60 * MINUTE) };

  it('refuses a host other machines may reach unless allowNonLoopback is set', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10', 'example.com']) {
      await assert.rejects(startImdsServer({ credentials, roleName: ROLE, host, port: 0 }), {
        code: 'cli.invalid_option',
      });
    }
    const open = await startImdsServer({
      credentials,
      roleName: ROLE,
      host: '0.0.0.0',
      port: 0,
      allowNonLoopback: true,
    });
    await open.close();
  });

  it('serves on any loopback address', async () => {
    for (const host of ['127.0.0.2', 'localhost']) {
      const server = await startImdsServer({ credentials, roleName: ROLE, host, port: 0 });
      try {
        assert.equal((await sdkCredentials(server.url)).accessKeyId, 'ASIAROLEGATE1');
      } finally {
        await server.close();
      }
    }
  });

  it('refuses a role name that is not one, and a port that is not one', async () => {
    for (const roleName of ['', 'a/b', 'role name', 'x'.repeat(65), '..%2f']) {
      await assert.rejects(startImdsServer({ credentials, roleName, port: 0 }), {
        code: 'cli.invalid_option',
      });
    }
    for (const port of [-1, 65_536, 1.5, Number.NaN]) {
      await assert.rejects(startImdsServer({ credentials, roleName: ROLE, port }), TypeError);
    }
  });

  it('rejects with the listen error when the port is taken', async () => {
    const first = await startImdsServer({ credentials, roleName: ROLE, port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await assert.rejects(startImdsServer({ credentials, roleName: ROLE, port }), {
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});
