// The quick start as a user runs it: `rolegate dev`, then `rolegate token`, and the token verifies
// against the broker's JWKS with a plain JWT library (jose), with sub = the normalised role ARN.
import assert from 'node:assert/strict';
import { type ChildProcess, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { DevDescription } from '../src/dev/dev-state.ts';
import { cleanEnv, runCli, startDevProcess, stopProcess } from './support/run-cli.ts';

let stateDir: string;
let dev: ChildProcess;
let description: DevDescription;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'rolegate-cli-'));
  dev = await startDevProcess(stateDir);
  description = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8'));
});
after(async () => {
  await stopProcess(dev);
  rmSync(stateDir, { recursive: true, force: true });
});

async function verify(token: string, audience: string) {
  const jwks = createRemoteJWKSet(new URL(description.broker.jwksUrl));
  return jwtVerify(token, jwks, { issuer: description.broker.issuer, audience });
}

describe('rolegate dev', () => {
  it('writes dev.json with broker, sts and the identities the issue names', () => {
    assert.match(description.broker.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(description.broker.issuer, description.broker.url);
    assert.equal(description.broker.loginAudience, description.broker.url);
    assert.equal(description.broker.jwksUrl, `${description.broker.url}/.well-known/jwks.json`);
    assert.match(description.sts.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const names = description.identities.map((i) => i.name);
    assert.deepEqual(names.sort(), ['alice', 'orders', 'reviews']);
    const orders = description.identities.find((i) => i.name === 'orders')!;
    assert.equal(orders.arn, 'arn:aws:sts::111122223333:assumed-role/orders/orders');
    assert.ok(orders.sessionToken);
    assert.equal(
      statSync(join(stateDir, 'dev.json')).mode & 0o077,
      0,
      'dev.json holds secrets: owner only',
    );
  });

  it('token --dev-identity orders gives a JWT that verifies, sub = role ARN', async () => {
    const res = await runCli([
      'token',
      '--dev-identity',
      'orders',
      '--audience',
      'https://billing.example',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const { payload } = await verify(res.stdout.trim(), 'https://billing.example');
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/orders');
  });

  it('token runs started together with the same credentials all get a token', async () => {
    // SigV4 is deterministic: without the proof nonce, runs in the same second made one proof
    // and all but one were refused as replays. (--no-cache: with the cache they share one token.)
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        runCli([
          'token',
          '--no-cache',
          '--dev-identity',
          'orders',
          '--audience',
          'https://billing.example',
          '--state-dir',
          stateDir,
        ]),
      ),
    );
    for (const res of runs) assert.equal(res.code, 0, res.stderr);
    assert.equal(new Set(runs.map((r) => r.stdout.trim())).size, 4);
  });

  it('token with AWS credentials from the environment (the SDK default chain)', async () => {
    const reviews = description.identities.find((i) => i.name === 'reviews')!;
    const env = cleanEnv({
      AWS_ACCESS_KEY_ID: reviews.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reviews.secretAccessKey,
      AWS_SESSION_TOKEN: reviews.sessionToken,
      AWS_REGION: 'eu-west-1',
    });
    const res = await runCli(
      [
        'token',
        '--broker',
        description.broker.url,
        '--audience',
        'https://rates.example',
        '--json',
      ],
      { env },
    );
    assert.equal(res.code, 0, res.stderr);
    const body = JSON.parse(res.stdout);
    assert.equal(body.token_type, 'Bearer');
    const { payload } = await verify(body.access_token, 'https://rates.example');
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/reviews');
  });

  it('token with no credentials anywhere fails with a clear code', async () => {
    const res = await runCli([
      'token',
      '--broker',
      description.broker.url,
      '--audience',
      'x',
      '--region',
      'us-east-1',
    ]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /client\.credentials_unavailable/);
  });

  it('proof prints an rgsts1 proof for the regional endpoint', async () => {
    const res = await runCli([
      'proof',
      '--dev-identity',
      'alice',
      '--state-dir',
      stateDir,
      '--region',
      'eu-west-1',
    ]);
    assert.equal(res.code, 0, res.stderr);
    const [body, nonce] = res.stdout.trim().slice('rgsts1.'.length).split('.');
    assert.match(nonce ?? '', /^[A-Za-z0-9_-]{22}$/, 'a nonce after the URL');
    const url = Buffer.from(body!, 'base64url').toString();
    assert.match(url, /^https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?Action=GetCallerIdentity/);
    assert.match(url, /X-Amz-SignedHeaders=host%3Bx-rolegate-audience/);
  });

  it('demo runs against the running dev and shows a refused replay', async () => {
    const res = await runCli(['demo', '--state-dir', stateDir]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /using the running rolegate dev/);
    assert.match(res.stdout, /"sub": "arn:aws:iam::111122223333:role\/orders"/);
    assert.match(res.stdout, /refused: 401 proof\.replayed/);
    // The walkthrough through the gateway, for every kind of identity.
    const decisions = [...res.stdout.matchAll(/^(\w+) → (\w+): (\d{3})/gm)].map((m) =>
      m.slice(1).join(' '),
    );
    const walkthrough = [
      'orders billing 200',
      'orders rates 200',
      'reviews rates 200',
      'reviews billing 403',
    ];
    // STS role sessions, SVID tokens, Roles Anywhere credentials from the SVIDs, SVIDs over TLS.
    assert.deepEqual(decisions, [...walkthrough, ...walkthrough, ...walkthrough, ...walkthrough]);
    assert.match(res.stdout, /IAM Roles Anywhere credentials → STS proof/);
    assert.match(
      res.stdout,
      /Principal=arn:aws:sts::111122223333:assumed-role\/orders\/[0-9a-f]+;/,
    );
    assert.match(res.stdout, /SPIFFE SVID as the TLS client certificate/);
    assert.match(res.stdout, /X509SAN\/URI=spiffe:\/\/example\.org\/service\/orders/);
  });

  it('runs the gateway of the walkthrough: dev.json names it, policies decide per identity kind', async () => {
    const { gateway } = description;
    assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(gateway.services).sort(), ['billing', 'rates']);
    assert.match(String(gateway.mtls?.url), /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(gateway.mtls?.services ?? {}).sort(), ['billing', 'rates']);
    const token = (
      await runCli([
        'token',
        '--dev-workload',
        'reviews',
        '--audience',
        gateway.audience,
        '--state-dir',
        stateDir,
      ])
    ).stdout.trim();
    const call = (service: string, authorization?: string) =>
      fetch(`${gateway.services[service]}/x`, {
        headers: authorization ? { authorization } : {},
      });
    assert.equal((await call('rates', `Bearer ${token}`)).status, 200);
    assert.equal((await call('billing', `Bearer ${token}`)).status, 403);
    assert.equal((await call('rates')).status, 401, 'anonymous callers are not admitted');
    // The no-broker mode: a raw presigned STS proof made for the gateway's audience.
    const proof = (
      await runCli([
        'proof',
        '--dev-identity',
        'orders',
        '--login-audience',
        gateway.audience,
        '--state-dir',
        stateDir,
      ])
    ).stdout.trim();
    const echoed = await call('billing', `RoleGate-STS ${proof}`);
    assert.equal(echoed.status, 200);
    const seen = (await echoed.json()) as { headers: Record<string, string> };
    assert.match(
      seen.headers['x-rolegate-identity']!,
      /^Principal=arn:aws:sts::111122223333:assumed-role\/orders\//,
    );
    assert.equal(
      (await call('billing', `RoleGate-STS ${proof}`)).status,
      401,
      'a proof works once',
    );
  });

  it('serves forward auth: dev.json names its URL and the demo backends, a dev token gets 200 + identity', async () => {
    const { gateway } = description;
    assert.match(String(gateway.forwardAuth?.url), /^http:\/\/127\.0\.0\.1:\d+\/auth$/);
    assert.deepEqual(Object.keys(gateway.backends ?? {}).sort(), ['billing', 'rates']);
    const echo = await fetch(`${gateway.backends?.rates}/x`);
    assert.equal(((await echo.json()) as { service: string }).service, 'rates');
    const token = (
      await runCli([
        'token',
        '--dev-identity',
        'orders',
        '--audience',
        gateway.audience,
        '--state-dir',
        stateDir,
      ])
    ).stdout.trim();
    // nginx auth_request's shape: the original method and URI, the host, the caller's token.
    const ask = (uri: string, authorization?: string) =>
      fetch(gateway.forwardAuth!.url, {
        headers: {
          'x-original-method': 'GET',
          'x-original-uri': uri,
          'x-forwarded-host': 'localhost',
          ...(authorization ? { authorization } : {}),
        },
      });
    const allowed = await ask('/billing/invoices', `Bearer ${token}`);
    assert.equal(allowed.status, 200);
    assert.match(
      String(allowed.headers.get('x-rolegate-identity')),
      /^Principal=arn:aws:sts::111122223333:assumed-role\/orders\//,
    );
    assert.equal(
      allowed.headers.get('x-rolegate-service'),
      'arn:rolegate:lattice:::service/billing',
    );
    const anonymous = await ask('/billing/invoices');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('x-rolegate-error'), 'token.missing');
  });

  it('writes the x509 section: trust domain, bundle, dev CA and SVID files for orders and reviews', () => {
    const { x509 } = description;
    assert.equal(x509.trustDomain, 'example.org');
    assert.deepEqual(
      x509.workloads.map((w) => [w.name, w.spiffeId]),
      [
        ['orders', 'spiffe://example.org/service/orders'],
        ['reviews', 'spiffe://example.org/service/reviews'],
      ],
    );
    const bundle = JSON.parse(readFileSync(x509.bundle, 'utf8')) as { keys: { use: string }[] };
    assert.deepEqual(
      bundle.keys.map((k) => k.use),
      ['x509-svid'],
    );
    for (const w of x509.workloads) {
      const leaf = new X509Certificate(readFileSync(w.cert));
      assert.ok(leaf.verify(new X509Certificate(readFileSync(x509.ca.cert)).publicKey));
      assert.equal(leaf.subjectAltName, `URI:${w.spiffeId}`);
      assert.equal(statSync(w.key).mode & 0o077, 0, 'keys: owner only');
      assert.equal(readFileSync(w.chain, 'utf8'), '', 'the dev CA signs SVIDs directly');
    }
    assert.equal(statSync(x509.ca.key).mode & 0o077, 0);
  });

  it('token --dev-workload and token --cert/--key give tokens tagged with the SPIFFE ID', async () => {
    const orders = description.x509.workloads.find((w) => w.name === 'orders')!;
    const reviews = description.x509.workloads.find((w) => w.name === 'reviews')!;
    const audience = 'https://billing.example';
    const viaDev = await runCli([
      'token',
      '--dev-workload',
      'orders',
      '--audience',
      audience,
      '--state-dir',
      stateDir,
    ]);
    assert.equal(viaDev.code, 0, viaDev.stderr);
    const viaFiles = await runCli([
      'token',
      '--cert',
      reviews.cert,
      '--key',
      reviews.key,
      '--chain',
      reviews.chain,
      '--audience',
      audience,
      '--state-dir',
      stateDir,
    ]);
    assert.equal(viaFiles.code, 0, viaFiles.stderr);
    for (const [res, w] of [
      [viaDev, orders],
      [viaFiles, reviews],
    ] as const) {
      const { payload } = await verify(res.stdout.trim(), audience);
      assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/spiffe-workload');
      const rg = payload.rolegate as { method: string; tags: Record<string, string> };
      assert.equal(rg.method, 'x509');
      assert.equal(rg.tags['x509SAN/URI'], w.spiffeId);
    }
    const wrong = await runCli([
      'token',
      '--cert',
      orders.cert,
      '--key',
      reviews.key,
      '--audience',
      audience,
      '--state-dir',
      stateDir,
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /client\.certificate_invalid/);
    const unknown = await runCli([
      'token',
      '--dev-workload',
      'billing',
      '--audience',
      audience,
      '--state-dir',
      stateDir,
    ]);
    assert.match(unknown.stderr, /cli\.unknown_dev_identity/);
  });

  it('token --workload-api logs in with the SVID the dev Workload API serves', async () => {
    const audience = 'https://billing.example';
    const [orders, reviews] = description.x509.workloads;
    assert.match(String(orders!.workloadApi), /^unix:\/\/\//);
    const base = ['--audience', audience, '--state-dir', stateDir];
    // The address as a flag, and as SPIFFE_ENDPOINT_SOCKET (what a SPIRE deployment sets); the
    // four CLI runs go together, each is a process start.
    const [viaFlag, viaEnv, mixed, gone] = await Promise.all([
      runCli(['token', '--workload-api', orders!.workloadApi!, ...base]),
      runCli(['token', '--workload-api', ...base], {
        env: cleanEnv({ SPIFFE_ENDPOINT_SOCKET: reviews!.workloadApi! }),
      }),
      runCli([
        'token',
        '--workload-api',
        orders!.workloadApi!,
        '--dev-workload',
        'orders',
        ...base,
      ]),
      runCli(['token', '--workload-api', 'unix:///nonexistent/agent.sock', ...base]),
    ]);
    for (const [res, w] of [
      [viaFlag, orders!],
      [viaEnv, reviews!],
    ] as const) {
      assert.equal(res.code, 0, res.stderr);
      const { payload } = await verify(res.stdout.trim(), audience);
      const rg = payload.rolegate as { method: string; tags: Record<string, string> };
      assert.equal(rg.method, 'x509');
      assert.equal(rg.tags['x509SAN/URI'], w.spiffeId);
    }
    assert.match(mixed.stderr, /cli\.invalid_option/);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /client\.workload_api_unavailable/);
  });

  it('--tls and --workload-api check their flags before anything is sent', async () => {
    const orders = description.x509.workloads[0]!;
    const [plainBroker, noAddress] = await Promise.all([
      // A TLS client-certificate login needs a broker that terminates TLS itself.
      runCli([
        'token',
        '--cert',
        orders.cert,
        '--key',
        orders.key,
        '--tls',
        '--audience',
        'a',
        '--state-dir',
        stateDir,
      ]),
      runCli(['token', '--workload-api', '--audience', 'a', '--state-dir', stateDir]),
    ]);
    assert.equal(plainBroker.code, 1);
    assert.match(plainBroker.stderr, /client\.invalid_option: .*needs an https broker URL/);
    assert.match(noAddress.stderr, /cli\.invalid_option: .*SPIFFE_ENDPOINT_SOCKET/);
  });

  it('a refusal by the broker is reported with its code', async () => {
    const res = await runCli([
      'token',
      '--dev-identity',
      'orders',
      '--audience',
      'has space',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /client\.broker_rejected.*request\.invalid_audience/);
  });
});

describe('rolegate keys', () => {
  it('add, promote and revoke rotate the running broker without a restart', async () => {
    const brokerState = join(stateDir, 'broker');
    const list = async () =>
      (await runCli(['keys', '--state-dir', brokerState, 'list'])).stdout.trim().split('\n');
    assert.equal((await list()).length, 2);
    const added = await runCli(['keys', '--state-dir', brokerState, 'add', '--alg', 'RS256']);
    assert.equal(added.code, 0, added.stderr);
    const newKid = /added standby key ([A-Za-z0-9_-]{43})/.exec(added.stdout)![1]!;
    const oldKid = (await list()).find((l) => l.startsWith('active'))!.split(/\s+/)[1]!;
    const promoted = await runCli(['keys', '--state-dir', brokerState, 'promote', '--', newKid]);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match((await list()).join('\n'), new RegExp(`retiring\\s+${oldKid}`));

    // The broker follows keyring.json: poll (bounded) until new tokens carry the new kid.
    let kid: string | undefined;
    for (let i = 0; i < 40 && kid !== newKid; i++) {
      const res = await runCli([
        'token',
        '--dev-identity',
        'alice',
        '--audience',
        'https://billing.example',
        '--state-dir',
        stateDir,
      ]);
      kid = JSON.parse(Buffer.from(res.stdout.split('.')[0]!, 'base64url').toString()).kid;
      if (kid !== newKid) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(kid, newKid);

    const refused = await runCli(['keys', '--state-dir', brokerState, 'revoke', '--', newKid]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /keys\.invalid_transition/);
    assert.equal(
      (await runCli(['keys', '--state-dir', brokerState, 'revoke', '--', oldKid])).code,
      0,
    );
    const jwks = (await (await fetch(description.broker.jwksUrl)).json()) as {
      keys: { kid: string }[];
    };
    for (let i = 0; i < 40; i++) {
      const now = (await (await fetch(description.broker.jwksUrl)).json()) as {
        keys: { kid: string }[];
      };
      if (!now.keys.some((k) => k.kid === oldKid)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const final = (await (await fetch(description.broker.jwksUrl)).json()) as {
      keys: { kid: string }[];
    };
    assert.ok(jwks.keys.length >= 2);
    assert.ok(!final.keys.some((k) => k.kid === oldKid), 'revoked key withdrawn');
  });
});

describe('rolegate exec', () => {
  it('runs the command with ROLEGATE_TOKEN and a fresh token file, and passes its exit code on', async () => {
    const tokenFile = join(stateDir, 'exec-token');
    const script =
      'printf "%s\\n" "$ROLEGATE_TOKEN"; test "$(cat "$ROLEGATE_TOKEN_FILE")" = "$ROLEGATE_TOKEN" || exit 9; exit 7';
    // --no-cache: the cache holds a billing token signed by the key the keys test revoked.
    const res = await runCli([
      'exec',
      '--no-cache',
      '--dev-identity',
      'orders',
      '--audience',
      'https://billing.example',
      '--state-dir',
      stateDir,
      '--token-file',
      tokenFile,
      '--',
      'sh',
      '-c',
      script,
    ]);
    assert.equal(res.code, 7, res.stderr);
    const { payload } = await verify(res.stdout.trim(), 'https://billing.example');
    assert.equal(payload.sub, 'arn:aws:iam::111122223333:role/orders');
    assert.equal(statSync(tokenFile).mode & 0o077, 0);
  });

  it('a command that cannot start is reported', async () => {
    const res = await runCli([
      'exec',
      '--dev-identity',
      'orders',
      '--audience',
      'a',
      '--state-dir',
      stateDir,
      '--',
      '/nonexistent/cmd',
    ]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /cli\.exec_failed/);
  });
});

describe('interoperability', () => {
  // A non-JavaScript JWT library verifies a rolegate token through the JWKS alone.
  const python = '/usr/bin/python3';
  const hasPyJwt =
    spawnSync(python, ['-c', 'import jwt, cryptography'], { stdio: 'ignore' }).status === 0;
  it('PyJWT verifies a token from rolegate dev via the JWKS', {
    skip: !hasPyJwt && !process.env.CI && 'python3-jwt not installed (CI installs it)',
  }, async () => {
    const res = await runCli([
      'token',
      '--dev-identity',
      'reviews',
      '--audience',
      'https://rates.example',
      '--state-dir',
      stateDir,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const program = [
      'import jwt, sys',
      'token, jwks, issuer = sys.argv[1:4]',
      'key = jwt.PyJWKClient(jwks).get_signing_key_from_jwt(token).key',
      'claims = jwt.decode(token, key, algorithms=["RS256"], audience="https://rates.example", issuer=issuer)',
      'print(claims["sub"])',
      'try:',
      '    jwt.decode(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"), key, algorithms=["RS256"], audience="https://rates.example")',
      '    print("TAMPERED-ACCEPTED")',
      'except jwt.InvalidSignatureError:',
      '    print("tampered-refused")',
    ].join('\n');
    const out = spawnSync(
      python,
      ['-c', program, res.stdout.trim(), description.broker.jwksUrl, description.broker.issuer],
      { encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split('\n'), [
      'arn:aws:iam::111122223333:role/reviews',
      'tampered-refused',
    ]);
  });
});

describe('rolegate without dev', () => {
  it('token without a broker says how to name one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rolegate-empty-'));
    const res = await runCli(['token', '--audience', 'x', '--state-dir', empty]);
    rmSync(empty, { recursive: true, force: true });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /cli\.no_broker/);
  });

  it('demo starts its own dev when none runs', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rolegate-empty-'));
    const res = await runCli(['demo', '--state-dir', empty]);
    rmSync(empty, { recursive: true, force: true });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /started a private rolegate dev/);
  });
});
