// The key-ring lifecycle: transitions, invariants, what is published when, and live reload in a
// running broker (file change) with a broken ring refused.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { createKeyFile, KeyRing } from '../src/keys/key-ring.ts';
import { addStandby, promote, retire, revoke } from '../src/keys/ring-edits.ts';
import { readRingFile, writeRingFile } from '../src/keys/ring-file.ts';
import { startHarness } from './support/harness.ts';

const T0 = new Date('2026-11-22T10:00:00Z');

async function freshRing() {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-ring-'));
  await KeyRing.load(dir, { algorithm: 'RS256' });
  return { dir, ring: readRingFile(dir) };
}

describe('key-ring transitions', () => {
  it('a new ring has one active and one standby key', async () => {
    const { ring } = await freshRing();
    assert.deepEqual(
      ring.keys.map((k) => k.status),
      ['active', 'standby'],
    );
  });

  it('promote: standby → active, active → retiring with its retirement time', async () => {
    const { ring } = await freshRing();
    const [active, standby] = ring.keys as [(typeof ring.keys)[0], (typeof ring.keys)[0]];
    const next = promote(ring, standby.kid.slice(0, 10), T0);
    assert.equal(next.keys.find((k) => k.kid === standby.kid)!.status, 'active');
    const old = next.keys.find((k) => k.kid === active.kid)!;
    assert.equal(old.status, 'retiring');
    assert.equal(old.retiredAt, T0.toISOString());
  });

  it('refuses transitions that would leave no usable active key or make no sense', async () => {
    const { ring } = await freshRing();
    const [active, standby] = ring.keys as [(typeof ring.keys)[0], (typeof ring.keys)[0]];
    for (const [edit, kid] of [
      [promote, active.kid],
      [retire, active.kid],
      [revoke, active.kid],
      [promote, 'no-such-kid'],
      [promote, 'short'],
    ] as const) {
      assert.throws(() => edit(ring, kid, T0), { code: 'keys.invalid_transition' });
    }
    const revoked = revoke(ring, standby.kid, T0);
    assert.throws(() => revoke(revoked, standby.kid, T0), { code: 'keys.invalid_transition' });
    assert.throws(() => promote(revoked, standby.kid, T0), { code: 'keys.invalid_transition' });
  });

  it('the ring file refuses two active keys or a duplicate kid', async () => {
    const { dir, ring } = await freshRing();
    assert.throws(
      () =>
        writeRingFile(dir, {
          ...ring,
          keys: ring.keys.map((k) => ({ ...k, status: 'active' as const })),
        }),
      /exactly one active/,
    );
    assert.throws(
      () => writeRingFile(dir, { ...ring, keys: [...ring.keys, ring.keys[1]!] }),
      /twice/,
    );
  });

  it('published: retiring keys until their tokens expired, revoked keys never', async () => {
    const { dir, ring } = await freshRing();
    const added = addStandby(ring, await createKeyFile(dir, 'ES256'));
    const third = added.keys[2]!.kid;
    const rotated = promote(added, added.keys[1]!.kid, T0);
    writeRingFile(dir, revoke(rotated, third, T0));
    const loaded = await KeyRing.load(dir, { algorithm: 'RS256' });
    assert.equal(loaded.keys.length, 2, 'the revoked key is not even loaded');
    const at = (seconds: number) =>
      loaded
        .published(T0.getTime() + seconds * 1000, 1200)
        .map((k) => k.status)
        .sort();
    assert.deepEqual(at(1199), ['active', 'retiring']);
    assert.deepEqual(at(1200), ['active']);
  });
});

describe('live reload in a running broker', () => {
  it('a promotion is picked up from the file: new tokens use the new key, the old one stays published', async () => {
    const h = await startHarness();
    try {
      const dir = join(h.broker.config.stateDir, 'keys');
      const before = readRingFile(dir);
      const standby = before.keys.find((k) => k.status === 'standby')!.kid;
      const oldActive = before.keys.find((k) => k.status === 'active')!.kid;
      const oldToken = (await h.login('orders')).body.access_token as string;
      assert.equal(decodeProtectedHeader(oldToken).kid, oldActive);

      writeRingFile(dir, promote(before, standby, new Date()));
      const deadline = Date.now() + 5000;
      while (h.broker.keys.current.active.kid !== standby && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(h.broker.keys.current.active.kid, standby, 'reloaded from the file change');

      const newToken = (await h.login('orders')).body.access_token as string;
      assert.equal(decodeProtectedHeader(newToken).kid, standby);
      const kids = async () =>
        (
          (await (await fetch(`${h.brokerUrl}/.well-known/jwks.json`)).json()) as {
            keys: { kid: string }[];
          }
        ).keys.map((k) => k.kid);
      assert.deepEqual((await kids()).sort(), [oldActive, standby].sort());

      writeRingFile(dir, revoke(readRingFile(dir), oldActive, new Date()));
      assert.equal(await h.broker.keys.reload('test'), true);
      assert.deepEqual(await kids(), [standby], 'revoked key withdrawn at once');
    } finally {
      await h.close();
    }
  });

  it('a broken key ring is refused and the previous ring keeps signing', async () => {
    const h = await startHarness();
    try {
      const dir = join(h.broker.config.stateDir, 'keys');
      const active = h.broker.keys.current.active.kid;
      writeFileSync(join(dir, 'keyring.json'), '{"version":1,"keys":[]}');
      assert.equal(await h.broker.keys.reload('test'), false);
      assert.match(h.logs(), /key ring reload refused/);
      const res = await h.login('orders');
      assert.equal(res.status, 200);
      assert.equal(decodeProtectedHeader(res.body.access_token as string).kid, active);
    } finally {
      await h.close();
    }
  });
});
