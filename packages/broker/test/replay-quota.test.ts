// The per-account replay-cache quota at the broker, in memory and on a real Redis: once account A
// holds its quota of unexpired proofs, its next login is 429 replay.account_quota with
// Retry-After, and no token — while account B still logs in. The account charged is the one STS
// confirmed (the claim comes after STS), so A cannot spend B's quota.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDevIdentities, type StsIdentity } from '@rolegate/testkit';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';
import { type RedisServer, skipWithoutRedis, startRedis } from './support/redis-server.ts';

const ACCOUNT_B = '444455556666';

function twoAccounts(): { identities: StsIdentity[]; a: StsIdentity; b: StsIdentity } {
  const ofA = createDevIdentities();
  const ofB = createDevIdentities({ account: ACCOUNT_B });
  return { identities: [...ofA, ...ofB], a: ofA[0]!, b: ofB[0]! };
}

async function quotaScenario(h: Harness, a: StsIdentity, b: StsIdentity): Promise<void> {
  const login = async (who: StsIdentity) => h.exchange(tokenForm(await h.proofFor(who)));
  assert.equal((await login(a)).status, 200);
  assert.equal((await login(a)).status, 200);
  const over = await login(a);
  assert.equal(over.status, 429, JSON.stringify(over.body));
  assert.equal(over.body.rolegate_code, 'replay.account_quota');
  assert.equal(over.body.access_token, undefined);
  const retryAfter = Number(over.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 961, `retry-after ${retryAfter}`);
  const other = await login(b);
  assert.equal(other.status, 200, 'another account is unaffected');
}

describe('per-account replay quota, memory cache', () => {
  it('account A over its quota is 429; account B still logs in', async () => {
    const { identities, a, b } = twoAccounts();
    const h = await startHarness({ replay: { perAccountMaxEntries: 2 } }, { identities });
    try {
      await quotaScenario(h, a, b);
    } finally {
      await h.close();
    }
  });
});

describe('per-account replay quota, Redis shared by two brokers', {
  skip: skipWithoutRedis,
}, () => {
  let server: RedisServer;
  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await server?.stop();
  });

  it('claims at either replica count against one quota; account B still logs in', async () => {
    const { identities, a, b } = twoAccounts();
    const replay = { perAccountMaxEntries: 2, redis: { url: server.url } };
    const one = await startHarness({ replay }, { identities });
    let two: Harness | undefined;
    try {
      two = await startHarness({ replay }, { identities });
      assert.equal((await one.exchange(tokenForm(await one.proofFor(a)))).status, 200);
      assert.equal((await two.exchange(tokenForm(await two.proofFor(a)))).status, 200);
      const over = await one.exchange(tokenForm(await one.proofFor(a)));
      assert.equal(over.status, 429);
      assert.equal(over.body.rolegate_code, 'replay.account_quota');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      assert.equal((await two.exchange(tokenForm(await two.proofFor(b)))).status, 200);
    } finally {
      await two?.close();
      await one.close();
    }
  });
});
