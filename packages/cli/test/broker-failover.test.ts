// `rolegate token` and `exec` with several brokers, against a real `rolegate dev`: a first broker
// that is down is moved past, the token cache finds the same entry whatever the order or spelling
// of the list, and when every broker is down the one stable code names each of them. Exchanges are
// counted at the broker's /metrics.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DevDescription } from '../src/dev/dev-state.ts';
import { cleanEnv, runCli, startDevProcess, stopProcess } from './support/run-cli.ts';

const AUDIENCE = 'https://billing.example';

let root: string;
let stateDir: string;
let cacheDir: string;
let dev: ChildProcess;
let brokerUrl: string;
let adminUrl: string;

/** A port nothing listens on (a replica that was killed). */
async function deadBroker(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Tokens the broker has issued so far. */
async function issued(): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
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

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'rolegate-failover-'));
  stateDir = join(root, 'dev');
  cacheDir = join(root, 'cache');
  dev = await startDevProcess(stateDir);
  const description: DevDescription = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8'));
  const broker = description.broker as { url: string; adminUrl?: string };
  brokerUrl = broker.url;
  adminUrl = broker.adminUrl ?? broker.url;
});
after(async () => {
  await stopProcess(dev);
  rmSync(root, { recursive: true, force: true });
});

describe('rolegate token with several brokers', () => {
  it('the first broker down: the token comes from the next; the cache keys on the set', async () => {
    const dead = await deadBroker();
    const before = await issued();
    const first = await runCli(tokenArgs('--broker', dead, '--broker', brokerUrl));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    assert.equal(await issued(), before + 1);
    // The same brokers, the other way round and comma-separated: the cached token, no exchange.
    const again = await runCli(tokenArgs('--broker', `${brokerUrl}, ${dead}`));
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.equal(await issued(), before + 1);
  });

  it('ROLEGATE_BROKER_URL may list several brokers', async () => {
    const dead = await deadBroker();
    const res = await runCli(tokenArgs('--no-cache'), {
      env: cleanEnv({ ROLEGATE_BROKER_URL: `${dead},${brokerUrl}` }),
    });
    assert.equal(res.code, 0, res.stderr);
  });

  it('exec fails over too', async () => {
    const dead = await deadBroker();
    const res = await runCli([
      'exec',
      '--dev-identity',
      'orders',
      '--audience',
      AUDIENCE,
      '--state-dir',
      stateDir,
      '--no-cache',
      '--broker',
      dead,
      '--broker',
      brokerUrl,
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(process.env.ROLEGATE_TOKEN.split(".").length + "")',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, '3');
  });

  it('every broker down: client.all_brokers_failed naming each', async () => {
    const dead = [await deadBroker(), await deadBroker()];
    const res = await runCli(
      tokenArgs('--no-cache', '--login-audience', 'http://a.test', '--broker', dead.join(',')),
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^rolegate: client\.all_brokers_failed: all 2 brokers failed: /);
    for (const url of dead)
      assert.match(res.stderr, new RegExp(`${url}/: client.broker_unreachable`));
  });
});
