// The token cache of `rolegate token` and `rolegate exec`, against a real `rolegate dev`: a fresh
// entry is printed without asking the broker, one near or past expiry is refreshed, and files that
// are corrupt, too open, foreign-owned or symlinks are never trusted and get replaced. Exchanges
// are counted at the broker (its /metrics), so "no exchange" means the broker saw none.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DevDescription } from '../src/dev/dev-state.ts';
import { type CachedToken, serializeEntry } from '../src/token-cache/cache-entry.ts';
import { cacheFileName } from '../src/token-cache/cache-key.ts';
import { cleanEnv, runCli, startDevProcess, stopProcess } from './support/run-cli.ts';

const AUDIENCE = 'https://billing.example';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let root: string;
let stateDir: string;
let cacheDir: string;
let dev: ChildProcess;
let description: DevDescription;
let ordersKeyId: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'rolegate-token-cache-'));
  stateDir = join(root, 'dev');
  cacheDir = join(root, 'cache');
  dev = await startDevProcess(stateDir);
  description = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8'));
  ordersKeyId = description.identities.find((i) => i.name === 'orders')!.accessKeyId;
});
after(async () => {
  await stopProcess(dev);
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Tokens the broker has issued so far. */
async function issued(): Promise<number> {
  const broker = description.broker as { url: string; adminUrl?: string };
  const text = await (await fetch(`${broker.adminUrl ?? broker.url}/metrics`)).text();
  const line = /^rolegate_token_requests_total\{outcome="issued"\} (\d+)$/m.exec(text);
  return line ? Number(line[1]) : 0;
}

const tokenArgs = (...extra: string[]) => [
  'token',
  '--dev-identity',
  'orders',
  '--audience',
  AUDIENCE,
  '--state-dir',
  stateDir,
  '--cache-dir',
  cacheDir,
  ...extra,
];

/** The entry file of `token --dev-identity orders`, by the documented key rule. */
function ordersEntry(brokerUrl = description.broker.url): string {
  return join(
    cacheDir,
    cacheFileName({
      brokerUrls: [brokerUrl],
      audience: AUDIENCE,
      identitySource: `dev-identity:orders:${ordersKeyId}`,
    }),
  );
}

/** A cache entry holding `accessToken`, obtained `age` ms ago and expiring in `left` ms. */
function writeEntry(path: string, accessToken: string, age: number, left: number, mode = 0o600) {
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const entry: CachedToken = {
    accessToken,
    tokenType: 'Bearer',
    issuedTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    obtainedAt: new Date(Date.now() - age),
    expiresAt: new Date(Date.now() + left),
  };
  writeFileSync(path, serializeEntry(entry), { mode });
  chmodSync(path, mode);
}

const isJwt = (text: string) => /^ey[\w-]+\.[\w-]+\.[\w-]+$/.test(text);

describe('rolegate token cache', () => {
  it('keeps the token: the second run prints it without an exchange; 0600 file in a 0700 folder', async () => {
    const before = await issued();
    const first = await runCli(tokenArgs());
    assert.equal(first.code, 0, first.stderr);
    assert.equal(await issued(), before + 1);
    const second = await runCli(tokenArgs());
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(await issued(), before + 1, 'the second run asked the broker');
    assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
    assert.equal(statSync(ordersEntry()).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(cacheDir), [ordersEntry().slice(cacheDir.length + 1)]);
    assert.ok(!ordersEntry().includes(ordersKeyId), 'the file name is a hash');
  });

  it('serves a fresh entry as it is, and refreshes one inside max(60 s, 10 % of its lifetime)', async () => {
    // 10 h lifetime: the refresh window is the last hour, not the last minute.
    writeEntry(ordersEntry(), 'cached.fresh.token', 9 * HOUR - 10 * MINUTE, HOUR + 10 * MINUTE);
    const before = await issued();
    const hit = await runCli(tokenArgs());
    assert.equal(hit.code, 0, hit.stderr);
    assert.equal(hit.stdout, 'cached.fresh.token\n');
    assert.equal(await issued(), before);

    writeEntry(ordersEntry(), 'cached.aging.token', 9 * HOUR + 10 * MINUTE, HOUR - 10 * MINUTE);
    const ahead = await runCli(tokenArgs());
    assert.equal(ahead.code, 0, ahead.stderr);
    assert.ok(isJwt(ahead.stdout.trim()), ahead.stdout);
    assert.equal(await issued(), before + 1);
    assert.match(readFileSync(ordersEntry(), 'utf8'), new RegExp(ahead.stdout.trim()));

    // 5 min lifetime: the 60 s floor applies (10 % would be 30 s).
    writeEntry(ordersEntry(), 'cached.short.token', 5 * MINUTE - 45_000, 45_000);
    const floor = await runCli(tokenArgs());
    assert.ok(isJwt(floor.stdout.trim()), floor.stdout);
    assert.equal(await issued(), before + 2);
  });

  it('replaces an expired entry', async () => {
    writeEntry(ordersEntry(), 'cached.expired.token', HOUR + 1000, -1000);
    const before = await issued();
    const res = await runCli(tokenArgs());
    assert.equal(res.code, 0, res.stderr);
    assert.ok(isJwt(res.stdout.trim()));
    assert.equal(await issued(), before + 1);
  });

  it('a corrupt, too open or symlinked entry is not trusted, and is replaced', async () => {
    const outside = join(root, 'planted.json');
    const cases: [string, () => void][] = [
      ['corrupt', () => writeFileSync(ordersEntry(), '{"version":1,"accessTok', { mode: 0o600 })],
      ['group-readable', () => writeEntry(ordersEntry(), 'cached.open.token', 0, HOUR, 0o640)],
      ['world-readable', () => writeEntry(ordersEntry(), 'cached.open.token', 0, HOUR, 0o644)],
      [
        'symlink',
        () => {
          writeEntry(outside, 'cached.planted.token', 0, HOUR);
          symlinkSync(outside, ordersEntry());
        },
      ],
    ];
    for (const [name, plant] of cases) {
      rmSync(cacheDir, { recursive: true, force: true });
      mkdirSync(cacheDir, { mode: 0o700 });
      plant();
      const before = await issued();
      const res = await runCli(tokenArgs());
      assert.equal(res.code, 0, `${name}: ${res.stderr}`);
      assert.ok(isJwt(res.stdout.trim()), `${name}: printed ${res.stdout}`);
      assert.match(res.stderr, /ignoring the cached token file/, name);
      assert.equal(await issued(), before + 1, name);
      const replaced = lstatSync(ordersEntry());
      assert.ok(replaced.isFile(), `${name}: not replaced by a regular file`);
      assert.equal(replaced.mode & 0o777, 0o600, name);
    }
    assert.match(
      readFileSync(outside, 'utf8'),
      /cached\.planted\.token/,
      'wrote through a symlink',
    );
  });

  it('an entry owned by another user is not trusted', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to give a file to another user');
    writeEntry(ordersEntry(), 'cached.foreign.token', 0, HOUR);
    chownSync(ordersEntry(), 65534, 65534);
    const res = await runCli(tokenArgs());
    assert.equal(res.code, 0, res.stderr);
    assert.ok(isJwt(res.stdout.trim()), res.stdout);
    assert.match(res.stderr, /owned by uid 65534/);
    assert.equal(statSync(ordersEntry()).uid, 0);
  });

  it('a cache folder open to other users is not used', async () => {
    mkdirSync(cacheDir, { mode: 0o755 });
    chmodSync(cacheDir, 0o755);
    const before = await issued();
    for (let i = 0; i < 2; i++) {
      const res = await runCli(tokenArgs());
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stderr, /not caching tokens: .*open to other users/);
    }
    assert.equal(await issued(), before + 2);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  it('six runs started together share one exchange', async () => {
    const before = await issued();
    const runs = await Promise.all(Array.from({ length: 6 }, () => runCli(tokenArgs())));
    for (const res of runs) assert.equal(res.code, 0, res.stderr);
    assert.equal(new Set(runs.map((r) => r.stdout)).size, 1);
    assert.equal(await issued(), before + 1);
    assert.ok(!readdirSync(cacheDir).some((name) => name.endsWith('.lock')), 'lock left behind');
  });

  it('--no-cache asks the broker and leaves the cache alone', async () => {
    writeEntry(ordersEntry(), 'cached.fresh.token', 0, HOUR);
    const before = await issued();
    const res = await runCli(tokenArgs('--no-cache'));
    assert.equal(res.code, 0, res.stderr);
    assert.ok(isJwt(res.stdout.trim()));
    assert.equal(await issued(), before + 1);
    assert.match(readFileSync(ordersEntry(), 'utf8'), /cached\.fresh\.token/);
  });

  it('the folder follows ROLEGATE_CACHE_DIR, else XDG_CACHE_HOME', async () => {
    const xdg = join(root, 'xdg');
    const viaXdg = await runCli(tokenArgs().slice(0, -2), {
      env: cleanEnv({ XDG_CACHE_HOME: xdg }),
    });
    assert.equal(viaXdg.code, 0, viaXdg.stderr);
    assert.equal(readdirSync(join(xdg, 'rolegate', 'tokens')).length, 1);
    const viaEnv = await runCli(tokenArgs().slice(0, -2), {
      env: cleanEnv({ XDG_CACHE_HOME: xdg, ROLEGATE_CACHE_DIR: cacheDir }),
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(readdirSync(cacheDir).length, 1);
  });

  it('exec hands the cached token to the command', async () => {
    writeEntry(ordersEntry(), 'cached.exec.token', 0, HOUR);
    const res = await runCli([
      'exec',
      ...tokenArgs().slice(1),
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(process.env.ROLEGATE_TOKEN)',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'cached.exec.token');
  });

  it('refuses the same flag mistakes on a cache hit', async () => {
    writeEntry(ordersEntry(), 'cached.fresh.token', 0, HOUR);
    const res = await runCli(tokenArgs('--jwt-svid'));
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /cli\.invalid_option/);
  });

  it('broker unreachable: a fresh entry is printed; one being refreshed is kept until it expires', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(free.address() as { port: number }).port}`;
    await new Promise((resolve) => free.close(resolve));
    const args = tokenArgs('--broker', closed);

    writeEntry(ordersEntry(closed), 'cached.fresh.token', 0, HOUR);
    const fresh = await runCli(args);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(fresh.stdout, 'cached.fresh.token\n');
    assert.equal(fresh.stderr, '');

    writeEntry(ordersEntry(closed), 'cached.aging.token', HOUR, 30_000);
    const aging = await runCli(args);
    assert.equal(aging.code, 0, aging.stderr);
    assert.equal(aging.stdout, 'cached.aging.token\n');
    assert.match(aging.stderr, /token refresh failed \(client\.broker_unreachable\)/);

    writeEntry(ordersEntry(closed), 'cached.expired.token', HOUR, -1000);
    const expired = await runCli(args);
    assert.equal(expired.code, 1);
    assert.equal(expired.stdout, '');
    assert.match(expired.stderr, /client\.broker_unreachable/);
  });

  it('with the broker stopped, the cached token is still printed', async () => {
    const first = await runCli(tokenArgs());
    assert.equal(first.code, 0, first.stderr);
    await stopProcess(dev);
    const cached = await runCli(tokenArgs());
    assert.equal(cached.code, 0, cached.stderr);
    assert.equal(cached.stdout, first.stdout);
  });
});
