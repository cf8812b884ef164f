// `rolegate gateway --workers 2` with `replay.redis`, as a user runs it, on a real redis-server:
// each worker claims on Redis over its own connection (the primary holds none), a proof is good
// once across the workers, and while Redis is down every proof is 503 and /readyz (the primary's,
// asking every worker) is 503 — never a pass — until Redis is back.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import {
  type RedisServer,
  skipWithoutRedis,
  startRedis,
} from '../../broker/test/support/redis-server.ts';
import { type Backend, startBackend } from '../../gateway/test/support/backend.ts';
import { send } from '../../gateway/test/support/raw-http.ts';
import { BIN, cleanEnv, NODE_ARGS, stopProcess } from './support/run-cli.ts';

const AUDIENCE = 'https://rates.example';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Logged {
  readonly msg?: string;
  readonly worker?: number | string;
  readonly urls?: string[];
  readonly adminUrl?: string;
}

describe('rolegate gateway --workers 2 with replay.redis', { skip: skipWithoutRedis }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-redis-'));
  let redis: RedisServer;
  let h: Harness;
  let backend: Backend;
  let child: ChildProcess;
  const lines: Logged[] = [];
  let output = '';
  let url: string;
  let adminUrl: string;

  async function waitFor(match: (l: Logged) => boolean, count = 1): Promise<Logged[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = lines.filter(match);
      if (found.length >= count) return found;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`waited for ${count} log line(s) in vain:\n${output}`);
      }
      await sleep(50);
    }
  }

  before(async () => {
    redis = await startRedis();
    h = await startHarness();
    backend = await startBackend();
    const config = join(dir, 'gateway.json');
    writeFileSync(
      config,
      JSON.stringify({
        listeners: [{ host: '127.0.0.1', port: 0 }],
        admin: { host: '127.0.0.1', port: 0 },
        sts: { endpointOverrides: { '*': h.sts.url }, allowInsecureEndpoints: true },
        replay: { redis: { url: redis.url, commandTimeoutMs: 300 } },
        services: [
          {
            name: 'rates',
            upstreams: [backend.url],
            audiences: [AUDIENCE],
            policy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
                  Action: 'vpc-lattice-svcs:Invoke',
                  Resource: '*',
                },
              ],
            },
          },
        ],
      }),
    );
    child = spawn(
      process.execPath,
      [...NODE_ARGS, BIN, 'gateway', '--config', config, '--workers', '2'],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let partial = '';
    const take = (chunk: Buffer) => {
      output += chunk;
      partial += chunk;
      for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          lines.push(JSON.parse(line) as Logged);
        } catch {
          // not a log line
        }
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    const [primary] = await waitFor((l) => l.msg === 'gateway listening' && l.worker === 'primary');
    url = primary!.urls![0]!;
    adminUrl = primary!.adminUrl!;
  });
  after(async () => {
    if (child !== undefined && child.exitCode === null) await stopProcess(child);
    await backend?.close();
    await h?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (proof: string) =>
    send(url, {
      path: '/v1/rates',
      headers: { host: 'rates.example', authorization: `RoleGate-STS ${proof}` },
    });
  const ready = async () => (await fetch(`${adminUrl}/readyz`)).status;

  it('each worker connects to Redis itself; the primary holds no connection', async () => {
    const connected = await waitFor((l) => l.msg === 'replay cache (Redis) ready', 2);
    assert.deepEqual(
      connected.map((l) => typeof l.worker).sort(),
      ['number', 'number'],
      'two workers, not the primary',
    );
    assert.equal(new Set(connected.map((l) => l.worker)).size, 2);
  });

  it('a proof is good once across the workers', async () => {
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    const answers = [await call(proof), await call(proof), await call(proof)];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 401, 401],
    );
    assert.equal(answers[1]!.json().rolegate_code, 'sts.proof_replayed');
  });

  it('Redis down: proofs 503 and /readyz 503; back: ready and passing', async () => {
    assert.equal(await ready(), 200);
    await redis.stop();
    await sleep(100);
    for (let i = 0; i < 4; i++) {
      const reply = await call(await h.proofFor('orders', { audience: AUDIENCE }));
      assert.equal(reply.status, 503, reply.text);
      assert.equal(reply.json().rolegate_code, 'sts.unavailable');
    }
    assert.equal(await ready(), 503);
    redis = await startRedis({ port: redis.port });
    let status = 503;
    for (let i = 0; i < 80 && status !== 200; i++) {
      await sleep(100);
      status = await ready();
    }
    assert.equal(status, 200, 'ready again once every worker reconnected');
    const reply = await call(await h.proofFor('orders', { audience: AUDIENCE }));
    assert.equal(reply.status, 200, reply.text);
  });
});
