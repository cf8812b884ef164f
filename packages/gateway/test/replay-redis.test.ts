// Several gateway hosts and a broker sharing one Redis replay cache, on a real redis-server with
// the real broker and the STS emulator (which verifies signatures for real): a raw STS proof spent
// at one gateway is refused at the other gateway and at the broker (and the other way round), two
// gateways racing with one proof let exactly one request through, an unreachable Redis is 503 and
// "not ready" — never a pass — until it is back, and the per-account quota refuses account A
// (429 sts.account_quota with Retry-After) while account B still passes, on Redis and in memory.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDevIdentities, createTestCa, type StsIdentity } from '@rolegate/testkit';
import { type Harness, startHarness, tokenForm } from '../../broker/test/support/harness.ts';
import {
  type RedisServer,
  skipWithoutRedis,
  startRedis,
} from '../../broker/test/support/redis-server.ts';
import {
  ConfigError,
  createGateway,
  createGatewayLogger,
  type GatewayConfigInput,
  loadGatewayConfigFile,
  parseGatewayConfig,
} from '../src/index.ts';
import { gatewayReplayConfig } from '../src/replay/gateway-replay.ts';
import { type Backend, startBackend } from './support/backend.ts';
import { type RunningGateway, startGateway } from './support/gateway.ts';
import { send } from './support/raw-http.ts';

const AUDIENCE = 'https://rates.example';
const ACCOUNT_B = '444455556666';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ratesPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: {
        AWS: ['arn:aws:iam::111122223333:role/orders', `arn:aws:iam::${ACCOUNT_B}:role/orders`],
      },
      Action: 'vpc-lattice-svcs:Invoke',
      Resource: 'arn:rolegate:lattice:::service/rates/*',
    },
  ],
};

function gatewayConfig(
  h: Harness,
  backend: Backend,
  replay: GatewayConfigInput['replay'],
): Omit<GatewayConfigInput, 'listeners' | 'admin'> {
  return {
    sts: { endpointOverrides: { '*': h.sts.url }, allowInsecureEndpoints: true, timeoutMs: 1_500 },
    replay,
    services: [
      { name: 'rates', upstreams: [backend.url], audiences: [AUDIENCE], policy: ratesPolicy },
    ],
  };
}

const rates = (gw: RunningGateway, proof: string) =>
  send(gw.url, {
    path: '/v1/rates',
    headers: { host: 'rates.example', authorization: `RoleGate-STS ${proof}` },
  });

const ready = async (gw: RunningGateway) => (await fetch(`${gw.adminUrl}/readyz`)).status;

function twoAccounts(): { identities: StsIdentity[]; a: StsIdentity; b: StsIdentity } {
  const ofA = createDevIdentities();
  const ofB = createDevIdentities({ account: ACCOUNT_B });
  return { identities: [...ofA, ...ofB], a: ofA[0]!, b: ofB[0]! };
}

describe('gateways and a broker sharing one Redis', { skip: skipWithoutRedis }, () => {
  let server: RedisServer;
  let h: Harness;
  let backend: Backend;
  let one: RunningGateway;
  let two: RunningGateway;

  before(async () => {
    server = await startRedis();
    // The broker's login audience is the service's, so only the replay cache can tell them apart.
    h = await startHarness({ loginAudience: AUDIENCE, replay: { redis: { url: server.url } } });
    backend = await startBackend();
    const config = gatewayConfig(h, backend, { redis: { url: server.url } });
    one = await startGateway(config);
    two = await startGateway(config);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await backend?.close();
    await h?.close();
    await server?.stop();
  });

  it('a proof spent at one gateway is refused at the other gateway and at the broker', async () => {
    assert.equal(await ready(one), 200);
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    const first = await rates(one, proof);
    assert.equal(first.status, 200, first.text);
    const again = await rates(two, proof);
    assert.equal(again.status, 401);
    assert.equal(again.json().rolegate_code, 'sts.proof_replayed');
    const atBroker = await h.exchange(tokenForm(proof));
    assert.equal(atBroker.status, 401);
    assert.equal(atBroker.body.rolegate_code, 'proof.replayed');
    // A fresh proof passes at the second gateway: it is the proof that is spent.
    const fresh = await rates(two, await h.proofFor('orders', { audience: AUDIENCE }));
    assert.equal(fresh.status, 200, fresh.text);
  });

  it('a proof spent at the broker is refused at a gateway', async () => {
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    assert.equal((await h.exchange(tokenForm(proof))).status, 200);
    const atGateway = await rates(one, proof);
    assert.equal(atGateway.status, 401);
    assert.equal(atGateway.json().rolegate_code, 'sts.proof_replayed');
  });

  it('two gateways racing with one proof: exactly one request passes', async () => {
    for (let round = 0; round < 5; round++) {
      const proof = await h.proofFor('orders', { audience: AUDIENCE });
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) => rates(i % 2 === 0 ? one : two, proof)),
      );
      const codes = replies.map((r) => (r.status === 200 ? 'ok' : r.json().rolegate_code));
      assert.equal(codes.filter((c) => c === 'ok').length, 1, `round ${round}: ${codes}`);
      assert.ok(
        codes.every((c) => c === 'ok' || c === 'sts.proof_replayed'),
        `round ${round}: ${codes}`,
      );
    }
  });
});

describe('a gateway whose Redis goes away', { skip: skipWithoutRedis }, () => {
  it('answers 503 sts.unavailable and is not ready while Redis is down; recovers after', async () => {
    const own = await startRedis();
    const h = await startHarness();
    const backend = await startBackend();
    const gw = await startGateway(
      gatewayConfig(h, backend, { redis: { url: own.url, commandTimeoutMs: 300 } }),
    );
    let back: RedisServer | undefined;
    try {
      assert.equal(await ready(gw), 200);
      const seenBefore = backend.seen.length;
      await own.stop();
      await sleep(100);
      for (let i = 0; i < 3; i++) {
        const reply = await rates(gw, await h.proofFor('orders', { audience: AUDIENCE }));
        assert.equal(reply.status, 503, reply.text);
        assert.equal(reply.json().rolegate_code, 'sts.unavailable');
        assert.ok(Number(reply.headers['retry-after']) >= 1);
      }
      assert.equal(backend.seen.length, seenBefore, 'nothing reached the backend');
      assert.equal(await ready(gw), 503);
      back = await startRedis({ port: own.port });
      let status = 503;
      for (let i = 0; i < 60 && status !== 200; i++) {
        await sleep(100);
        status = await ready(gw);
      }
      assert.equal(status, 200, 'ready again');
      const reply = await rates(gw, await h.proofFor('orders', { audience: AUDIENCE }));
      assert.equal(reply.status, 200, reply.text);
    } finally {
      await gw.close();
      await backend.close();
      await h.close();
      await back?.stop();
    }
  });

  it('does not start when Redis does not answer, naming the option and never the password', async () => {
    const dead = await startRedis();
    await dead.stop();
    const h = await startHarness();
    const backend = await startBackend();
    try {
      await assert.rejects(
        startGateway(
          gatewayConfig(h, backend, {
            redis: { url: `redis://:s3cret-pass@127.0.0.1:${dead.port}`, commandTimeoutMs: 300 },
          }),
        ),
        (error: Error) => {
          assert.match(error.message, /replay\.redis\.url: 127\.0\.0\.1:\d+ did not answer/);
          assert.doesNotMatch(error.message, /s3cret/);
          return true;
        },
      );
    } finally {
      await backend.close();
      await h.close();
    }
  });
});

async function quotaScenario(
  gateways: readonly RunningGateway[],
  h: Harness,
  a: StsIdentity,
  b: StsIdentity,
): Promise<void> {
  const proof = (who: StsIdentity) => h.proofFor(who, { audience: AUDIENCE });
  const at = (i: number) => gateways[i % gateways.length]!;
  assert.equal((await rates(at(0), await proof(a))).status, 200);
  assert.equal((await rates(at(1), await proof(a))).status, 200);
  const over = await rates(at(2), await proof(a));
  assert.equal(over.status, 429, over.text);
  assert.equal(over.json().rolegate_code, 'sts.account_quota');
  const retryAfter = Number(over.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 961, `retry-after ${retryAfter}`);
  const other = await rates(at(3), await proof(b));
  assert.equal(other.status, 200, 'account B is unaffected');
}

describe('per-account quota at the gateway', () => {
  it('memory cache: account A over its quota is 429, account B passes', async () => {
    const { identities, a, b } = twoAccounts();
    const h = await startHarness({}, { identities });
    const backend = await startBackend();
    const gw = await startGateway(gatewayConfig(h, backend, { perAccountMaxEntries: 2 }));
    try {
      await quotaScenario([gw], h, a, b);
    } finally {
      await gw.close();
      await backend.close();
      await h.close();
    }
  });

  it('Redis shared by two gateways: one quota for both hosts', {
    skip: skipWithoutRedis,
  }, async () => {
    const server = await startRedis();
    const { identities, a, b } = twoAccounts();
    const h = await startHarness({}, { identities });
    const backend = await startBackend();
    const config = gatewayConfig(h, backend, {
      perAccountMaxEntries: 2,
      redis: { url: server.url },
    });
    const one = await startGateway(config);
    const two = await startGateway(config);
    try {
      await quotaScenario([one, two], h, a, b);
    } finally {
      await one.close();
      await two.close();
      await backend.close();
      await h.close();
      await server.stop();
    }
  });
});

describe('replay configuration of the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-gw-replay-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const service = {
    name: 'rates',
    upstreams: ['http://127.0.0.1:9'],
    audiences: [AUDIENCE],
    policy: ratesPolicy,
  };

  it('takes the broker options with the broker defaults', () => {
    const config = parseGatewayConfig({
      sts: {},
      replay: { redis: { url: 'rediss://r.example:6380/2' } },
      services: [service],
    });
    assert.deepEqual(config.replay.redis, {
      url: 'rediss://r.example:6380/2',
      keyPrefix: 'rolegate:replay:',
      commandTimeoutMs: 1000,
    });
    assert.deepEqual(gatewayReplayConfig(config).maxEntries, 1_000_000);
    for (const url of ['http://r.example', 'redis:/nohost', '']) {
      assert.throws(
        () => parseGatewayConfig({ replay: { redis: { url } }, services: [service] }),
        /replay\.redis\.url/,
      );
    }
  });

  it('still reads sts.replayMaxEntries, but not beside replay.maxEntries', () => {
    const old = parseGatewayConfig({ sts: { replayMaxEntries: 5000 }, services: [service] });
    assert.equal(gatewayReplayConfig(old).maxEntries, 5000);
    const both = () =>
      parseGatewayConfig({
        sts: { replayMaxEntries: 5000 },
        replay: { maxEntries: 6000 },
        services: [service],
      });
    assert.throws(both, /sts\.replayMaxEntries/);
  });

  it('reads caFile relative to the config file, and env references in the URL', () => {
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      [
        'replay:',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config reference, not a template.
        "  redis: { url: 'rediss://:${env:REDIS_PASSWORD}@r.example:6380', caFile: redis-ca.pem }",
        'services:',
        '  - { name: rates, upstreams: ["http://127.0.0.1:9"], audiences: [rates] }',
        '',
      ].join('\n'),
    );
    const config = loadGatewayConfigFile(file, { REDIS_PASSWORD: 'pw' });
    assert.equal(config.replay.redis?.caFile, join(dir, 'redis-ca.pem'));
    assert.equal(config.replay.redis?.url, 'rediss://:pw@r.example:6380');
  });

  it('checks the CA file when the gateway is built (--check-config), without connecting', async () => {
    const bad = join(dir, 'not-a-ca.pem');
    writeFileSync(bad, 'not a certificate\n');
    const redis = { url: 'rediss://127.0.0.1:1', caFile: bad };
    const silent = { logger: createGatewayLogger('silent'), adminListener: false };
    await assert.rejects(
      createGateway(parseGatewayConfig({ replay: { redis }, services: [service] }), silent),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.issues[0] ?? '', /^replay\.redis\.caFile: /);
        return true;
      },
    );
    const good = join(dir, 'ca.pem');
    writeFileSync(good, (await createTestCa()).certPem);
    // Nothing listens on port 1: building (what --check-config does) opens no connection.
    const gateway = await createGateway(
      parseGatewayConfig({ replay: { redis: { ...redis, caFile: good } }, services: [service] }),
      silent,
    );
    await gateway.close();
  });
});
