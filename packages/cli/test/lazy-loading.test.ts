// Commands load their modules only when they run: `--version` and any `--help` load commander and
// nothing else, `policy check` only @rolegate/policy (and core), `token` no server code and no
// emulator, and only `dev` and `demo` the emulators (@rolegate/testkit). Each case runs the CLI in
// its own process with a preload that records every module it loads, and compares the packages
// those belong to. A top-level import of a command's implementation in the command layer
// (src/program.ts, src/commands/) fails the first cases here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SIGNING_ALGORITHMS } from '@rolegate/broker';
import { createRootAuthority } from '@rolegate/testkit';
import { HELP_SIGNING_ALGORITHMS } from '../src/commands/keys.ts';
import { serializeEntry } from '../src/token-cache/cache-entry.ts';
import { cacheFileName } from '../src/token-cache/cache-key.ts';
import { BIN, type CliResult, cleanEnv, NODE_ARGS } from './support/run-cli.ts';

const RECORDER = join(import.meta.dirname, 'support', 'record-loads.mjs');
const dir = mkdtempSync(join(tmpdir(), 'rolegate-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The package a loaded module belongs to: the CLI is `rolegate`, builtins and scripts none. */
function packageOf(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = fileURLToPath(url);
  const dependency = /.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
  if (dependency) return dependency[1]!.replace('\\', '/');
  const workspace = /[\\/]packages[\\/]([^\\/]+)[\\/](?:src|dist)[\\/]/.exec(path);
  if (workspace) return workspace[1] === 'cli' ? 'rolegate' : `@rolegate/${workspace[1]}`;
  return undefined;
}

let runs = 0;
/** Runs node with the recorder; resolves with the result and the packages it loaded. */
function recordLoads(args: string[]): Promise<CliResult & { packages: Set<string> }> {
  const file = join(dir, `loads-${++runs}.txt`);
  writeFileSync(file, '');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...NODE_ARGS, '--import', RECORDER, ...args],
      { env: cleanEnv({ ROLEGATE_LOADS_FILE: file }), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        const packages = new Set<string>();
        for (const url of readFileSync(file, 'utf8').split('\n')) {
          const name = packageOf(url);
          if (name !== undefined && !tooling.has(name)) packages.add(name);
        }
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr, packages });
      },
    );
  });
}

const cli = (...args: string[]) => recordLoads([BIN, ...args]);
/** What the test harness itself loads (tsx and its compiler): left out of every comparison. */
let tooling = new Set<string>();
const sorted = (set: Set<string>) => [...set].sort();

const SERVER_SIDE = ['fastify', '@rolegate/broker', '@rolegate/gateway', '@rolegate/identity'];
const EMULATORS = '@rolegate/testkit';

describe('rolegate loads only what the command runs', () => {
  let closedPort: number;
  let held: Server;
  let heldPort: number;

  before(async () => {
    tooling = (await recordLoads(['-e', '0'])).packages;
    assert.ok(tooling.has('tsx'), 'the recorder saw nothing');
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    closedPort = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    heldPort = (held.address() as { port: number }).port;
  });
  after(() => held.close());

  it('--version, --help, every --help and completion: commander and nothing else', async () => {
    for (const args of [
      ['--version'],
      ['--help'],
      ['token', '--help'],
      ['policy', 'check', '--help'],
      ['keys', 'add', '--help'],
      ['dev', '--help'],
      ['credential-process', '--help'],
      ['completion', 'bash'],
    ]) {
      const run = await cli(...args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.deepEqual(sorted(run.packages), ['commander', 'rolegate'], args.join(' '));
    }
  });

  it('policy check: @rolegate/policy and core, nothing else', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
      }),
    );
    const run = await cli('policy', 'check', file);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid \(1 statement\)/);
    assert.deepEqual(sorted(run.packages), [
      '@rolegate/core',
      '@rolegate/policy',
      'commander',
      'rolegate',
    ]);
  });

  it('token and exec: the client, never server code or the emulators', async () => {
    const broker = `http://127.0.0.1:${closedPort}`;
    for (const args of [
      ['token', '--audience', 'https://billing.example', '--broker', broker],
      ['exec', '--audience', 'https://billing.example', '--broker', broker, '--', 'true'],
    ]) {
      const run = await cli(...args);
      assert.equal(run.code, 1, args[0]);
      assert.match(run.stderr, /client\.broker_unreachable: .*connection refused/);
      assert.ok(run.packages.has('@rolegate/client'), 'the recorder missed the client');
      for (const name of [...SERVER_SIDE, EMULATORS]) {
        assert.ok(!run.packages.has(name), `${args[0]} loaded ${name}`);
      }
    }
  });

  it('token from the cache: no client, AWS SDK, gRPC, jose or server code', async () => {
    // A cached `$(rolegate token …)` must start as fast as the CLI: the cache path loads none of
    // what a login needs. The broker is closed, so a miss would fail.
    const stateDir = join(dir, 'cached-dev');
    const cacheDir = join(dir, 'token-cache');
    mkdirSync(stateDir, { recursive: true });
    const broker = `http://127.0.0.1:${closedPort}`;
    const identity = { name: 'orders', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' };
    writeFileSync(
      join(stateDir, 'dev.json'),
      JSON.stringify({ broker: { url: broker }, identities: [identity] }),
    );
    mkdirSync(cacheDir, { mode: 0o700 });
    const name = cacheFileName({
      brokerUrls: [broker],
      audience: 'https://billing.example',
      identitySource: `dev-identity:orders:${identity.accessKeyId}`,
    });
    const entry = serializeEntry({
      accessToken: 'cached.token.value',
      tokenType: 'Bearer',
      issuedTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      obtainedAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    writeFileSync(join(cacheDir, name), entry, { mode: 0o600 });
    const run = await cli(
      'token',
      '--dev-identity',
      'orders',
      '--audience',
      'https://billing.example',
      '--state-dir',
      stateDir,
      '--cache-dir',
      cacheDir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'cached.token.value\n');
    for (const name of run.packages) {
      assert.ok(
        !/^(@rolegate\/client$|@grpc\/|@aws-sdk\/|@smithy\/|jose$)/.test(name),
        `a cached token loaded ${name}`,
      );
    }
    for (const name of [...SERVER_SIDE, EMULATORS]) {
      assert.ok(!run.packages.has(name), `a cached token loaded ${name}`);
    }
  });

  it('credential-process: the Roles Anywhere signer, no gRPC, AWS SDK, jose or server code', async () => {
    // It runs on every credential refresh of every SDK: its start-up is the SDK's latency.
    const leaf = createRootAuthority().issueLeaf({ keyType: 'ec-p256' });
    const cert = join(dir, 'leaf.pem');
    const key = join(dir, 'leaf-key.pem');
    writeFileSync(cert, leaf.pem);
    writeFileSync(key, leaf.key.privateKeyPem, { mode: 0o600 });
    const account = '111122223333';
    const run = await cli(
      'credential-process',
      '--certificate',
      cert,
      '--private-key',
      key,
      '--trust-anchor-arn',
      `arn:aws:rolesanywhere:us-east-1:${account}:trust-anchor/a`,
      '--profile-arn',
      `arn:aws:rolesanywhere:us-east-1:${account}:profile/p`,
      '--role-arn',
      `arn:aws:iam::${account}:role/r`,
      '--endpoint',
      `http://127.0.0.1:${closedPort}`,
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /client\.roles_anywhere_unreachable: .*connection refused/);
    assert.ok(run.packages.has('@rolegate/client'), 'the recorder missed the client');
    for (const name of run.packages) {
      assert.ok(
        !/^(@grpc\/|@aws-sdk\/|@smithy\/|jose$)/.test(name),
        `credential-process loaded ${name}`,
      );
    }
    for (const name of [...SERVER_SIDE, EMULATORS]) {
      assert.ok(!run.packages.has(name), `credential-process loaded ${name}`);
    }
  });

  it('broker, gateway and keys: their own package, never the emulators', async () => {
    const missing = join(dir, 'missing.yaml');
    const cases: [string[], string, string][] = [
      [['broker', '--config', missing], '@rolegate/broker', '@rolegate/gateway'],
      [['gateway', '--config', missing], '@rolegate/gateway', '@rolegate/broker'],
      [['keys', '--state-dir', join(dir, 'none'), 'list'], '@rolegate/broker', '@rolegate/gateway'],
    ];
    for (const [args, own, other] of cases) {
      const run = await cli(...args);
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.packages.has(own), `${args[0]} did not load ${own}`);
      assert.ok(!run.packages.has(other), `${args[0]} loaded ${other}`);
      assert.ok(!run.packages.has(EMULATORS), `${args[0]} loaded the emulators`);
    }
  });

  it('dev loads the emulators (the recorder sees them)', async () => {
    const run = await cli('dev', '--state-dir', join(dir, 'dev'), '--port', String(heldPort));
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.packages.has(EMULATORS));
  });

  it("keys add's help lists the broker's signing algorithms", () => {
    assert.deepEqual([...HELP_SIGNING_ALGORITHMS], [...SIGNING_ALGORITHMS]);
  });
});
