// The KMS signer against the real KMS emulator (real SDK, real SigV4, real signatures) and the
// real broker: tokens verify through the JWKS, kids are stable, and a failing KMS answers a
// retryable 503 — never a token.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createDevIdentities,
  type KmsEmulator,
  type KmsKeySpec,
  type StsIdentity,
  startKmsEmulator,
} from '@rolegate/testkit';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { createKeyFile } from '../src/keys/key-ring.ts';
import { type KmsClientFactory, KmsKeySource } from '../src/keys/kms-signer.ts';
import { RING_FILE, type RingEntry, readRingFile, writeRingFile } from '../src/keys/ring-file.ts';
import { Semaphore, SemaphoreTimeout } from '../src/keys/semaphore.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { kmsClientFactoryFor, kmsThumbprint } from './support/kms.ts';

let kms: KmsEmulator;
let caller: StsIdentity;

before(async () => {
  [caller] = createDevIdentities() as [StsIdentity];
  kms = await startKmsEmulator({ credentials: [caller] });
});
/** Folders made here: the harness only removes the state folder it made itself. */
const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
after(async () => {
  await kms?.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const clientFactory = (ref: Parameters<KmsClientFactory>[0]) => kmsClientFactoryFor(caller)(ref);
const thumbprintOf = (keyId: string) => kmsThumbprint(kms, keyId);

/** A state folder whose ring has the KMS key active and a local key on standby. */
async function stateDirWith(keyId: string, kid = ''): Promise<string> {
  const stateDir = tempDir('rolegate-kms-');
  const dir = join(stateDir, 'keys');
  mkdirSync(dir, { mode: 0o700 });
  const active: RingEntry = {
    kid: kid || (await thumbprintOf(keyId)),
    status: 'active',
    kms: { keyId, region: kms.region, endpoint: kms.url },
    createdAt: new Date().toISOString(),
  };
  const standby = await createKeyFile(dir, 'RS256');
  writeRingFile(dir, { version: 1, keys: [active, { ...standby, status: 'standby' }] });
  return stateDir;
}

async function brokerFor(keyId: string): Promise<Harness> {
  return startHarness({ stateDir: await stateDirWith(keyId) }, { kmsClientFactory: clientFactory });
}

async function newKey(keySpec: KmsKeySpec, alias: string): Promise<string> {
  return (await kms.createKey(keySpec, { aliases: [`alias/${alias}`] })).keyId;
}

async function verifyThroughJwks(h: Harness, token: string) {
  const jwks = (await (
    await fetch(`${h.brokerUrl}/.well-known/jwks.json`)
  ).json()) as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: 'http://broker.test',
    audience: 'https://billing.example',
  });
}

describe('KMS keys sign tokens', () => {
  for (const [keySpec, alg] of [
    ['RSA_2048', 'RS256'],
    ['RSA_4096', 'RS256'],
    ['ECC_NIST_P256', 'ES256'],
  ] as const) {
    it(`${keySpec} tokens verify through the JWKS as ${alg}`, async () => {
      const alias = `rolegate-${keySpec.toLowerCase()}`;
      const keyId = await newKey(keySpec, alias);
      const h = await brokerFor(`alias/${alias}`);
      try {
        const res = await h.login('orders');
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const { protectedHeader, payload } = await verifyThroughJwks(
          h,
          res.body.access_token as string,
        );
        assert.deepEqual(protectedHeader, {
          alg,
          kid: await thumbprintOf(keyId),
          typ: 'JWT',
        });
        assert.equal(payload.aud, 'https://billing.example');
      } finally {
        await h.close();
      }
    });
  }

  it('the kid is the same across two broker starts, and the public key is fetched once per start', async () => {
    const keyId = await newKey('RSA_2048', 'rolegate-restart');
    const kids: string[] = [];
    for (let start = 0; start < 2; start++) {
      const before = kms.callsTo('GetPublicKey');
      const h = await brokerFor(keyId);
      try {
        const res = await h.login('orders');
        assert.equal(res.status, 200);
        const { protectedHeader } = await verifyThroughJwks(h, res.body.access_token as string);
        kids.push(protectedHeader.kid!);
        // One call per broker start; logins use the cached public key.
        assert.equal(kms.callsTo('GetPublicKey') - before, 1);
      } finally {
        await h.close();
      }
    }
    assert.equal(kids[0], kids[1]);
    assert.equal(kids[0], await thumbprintOf(keyId));
  });

  it('signing inputs over 4096 bytes are sent as a SHA-256 digest and still verify', async () => {
    const source = new KmsKeySource(clientFactory);
    try {
      for (const keySpec of ['RSA_2048', 'ECC_NIST_P256'] as const) {
        const keyId = await newKey(keySpec, `rolegate-digest-${keySpec.toLowerCase()}`);
        const signer = await source.signer({ keyId, region: kms.region, endpoint: kms.url });
        const input = Buffer.alloc(5000, 'a');
        const signature = await signer.sign(input);
        const publicKey = createPublicKey({ key: signer.publicJwk, format: 'jwk' });
        const ok = verify(
          'sha256',
          input,
          { key: publicKey, dsaEncoding: 'ieee-p1363' },
          signature,
        );
        assert.equal(ok, true, keySpec);
        assert.equal(JSON.parse(kms.lastRequest!.body).MessageType, 'DIGEST');
      }
    } finally {
      source.close();
    }
  });
});

describe('a failing KMS', () => {
  it('a KMS key policy that refuses Sign: 503 signing_unavailable with Retry-After, no token', async () => {
    const keyId = await newKey('RSA_2048', 'rolegate-deny');
    const h = await brokerFor(keyId);
    try {
      kms.denySign(keyId);
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.error, 'temporarily_unavailable');
      assert.equal(res.body.rolegate_code, 'broker.signing_unavailable');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.body.access_token, undefined);
      assert.match(h.logs(), /AccessDeniedException/);
      kms.denySign(keyId, false);
      assert.equal((await h.login('orders')).status, 200, 'recovers when KMS allows Sign again');
    } finally {
      kms.denySign(keyId, false);
      await h.close();
    }
  });

  it('throttling is retried, then answered 503 without a token', async () => {
    const keyId = await newKey('ECC_NIST_P256', 'rolegate-throttle');
    const h = await brokerFor(keyId);
    try {
      kms.faults.operations = ['Sign'];
      kms.faults.throttleRate = 1;
      const before = kms.callsTo('Sign');
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'broker.signing_unavailable');
      assert.ok(res.headers.get('retry-after'));
      assert.equal(res.body.access_token, undefined);
      assert.equal(kms.callsTo('Sign') - before, 3, 'the first attempt and two retries');
      kms.faults.throttleRate = 0;
      assert.equal((await h.login('orders')).status, 200);
    } finally {
      kms.faults.throttleRate = 0;
      kms.faults.operations = undefined;
      await h.close();
    }
  });

  it('5xx from KMS: 503 without a token', async () => {
    const keyId = await newKey('RSA_2048', 'rolegate-5xx');
    const h = await brokerFor(keyId);
    try {
      kms.faults.operations = ['Sign'];
      kms.faults.serverErrorRate = 1;
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'broker.signing_unavailable');
      assert.equal(res.body.access_token, undefined);
    } finally {
      kms.faults.serverErrorRate = 0;
      kms.faults.operations = undefined;
      await h.close();
    }
  });

  it('a KMS that accepts Sign and never answers: 503 once the client timeouts give up, then recovery', async () => {
    const keyId = await newKey('RSA_2048', 'rolegate-hang');
    const h = await brokerFor(keyId);
    try {
      kms.faults.operations = ['Sign'];
      kms.faults.hang = true;
      const before = kms.callsTo('Sign');
      // The broker's own client settings (2 s per attempt, 3 attempts) bound the wait: the
      // request is answered, never left hanging with the caller.
      const res = await h.login('orders');
      assert.equal(res.status, 503);
      assert.equal(res.body.rolegate_code, 'broker.signing_unavailable');
      assert.ok(res.headers.get('retry-after'));
      assert.equal(res.body.access_token, undefined);
      assert.ok(kms.callsTo('Sign') - before >= 1);
      kms.faults.hang = false;
      assert.equal((await h.login('orders')).status, 200);
    } finally {
      kms.faults.hang = false;
      kms.faults.operations = undefined;
      await h.close();
    }
  });

  it('a KMS key that cannot sign at start: the broker refuses to start', async () => {
    const denied = await newKey('RSA_2048', 'rolegate-denied-at-start');
    const stateDir = await stateDirWith(denied);
    kms.denySign(denied);
    await assert.rejects(
      startHarness({ stateDir }, { kmsClientFactory: clientFactory }),
      /AccessDeniedException/,
    );

    const disabled = await newKey('ECC_NIST_P256', 'rolegate-disabled-at-start');
    const kid = await thumbprintOf(disabled);
    kms.setKeyState(disabled, 'Disabled');
    await assert.rejects(
      startHarness(
        { stateDir: await stateDirWith(disabled, kid) },
        { kmsClientFactory: clientFactory },
      ),
      /DisabledException/,
    );
  });

  it('a ring naming the wrong kid for a KMS key is refused', async () => {
    const keyId = await newKey('RSA_2048', 'rolegate-wrong-kid');
    const other = await newKey('RSA_2048', 'rolegate-other');
    await assert.rejects(
      startHarness(
        { stateDir: await stateDirWith(keyId, await thumbprintOf(other)) },
        { kmsClientFactory: clientFactory },
      ),
      /does not match the key/,
    );
  });
});

describe('ring entries for KMS keys', () => {
  it('a key names exactly one of file and kms', async () => {
    const dir = tempDir('rolegate-ring-');
    const local = await createKeyFile(dir, 'RS256');
    const kmsRef = { keyId: 'alias/x', region: 'us-east-1' };
    const now = new Date().toISOString();
    assert.throws(
      () =>
        writeRingFile(dir, {
          version: 1,
          keys: [{ ...local, status: 'active', kms: kmsRef }],
        }),
      /exactly one of file and kms/,
    );
    assert.throws(
      () =>
        writeRingFile(dir, {
          version: 1,
          keys: [{ kid: local.kid, status: 'active', createdAt: now }],
        }),
      /exactly one of file and kms/,
    );
    // A hand-edited file is checked by the schema as well.
    writeFileSync(
      join(dir, RING_FILE),
      JSON.stringify({
        version: 1,
        keys: [{ ...local, status: 'active', kms: { ...kmsRef, region: 'Mars' } }],
      }),
    );
    assert.throws(() => readRingFile(dir), /kms\.region/);
  });
});

describe('semaphore', () => {
  it('never runs more than its limit at once, and runs every task', async () => {
    const limit = new Semaphore(3);
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limit.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      }),
    );
    // Open gates one at a time until every task has run.
    for (let opened = 0; opened < 10; opened++) {
      while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
      gates.shift()!();
    }
    assert.deepEqual(await Promise.all(tasks), [...Array(10).keys()]);
    assert.equal(most, 3);
  });

  it('a waiter gives up after its deadline with SemaphoreTimeout, and the line moves on', async () => {
    const limit = new Semaphore(1, 50);
    let release!: () => void;
    const holder = limit.run(() => new Promise<void>((resolve) => (release = resolve)));
    await assert.rejects(
      limit.run(async () => 'never'),
      (error: unknown) => error instanceof SemaphoreTimeout,
    );
    assert.equal(limit.waiting, 0);
    release();
    await holder;
    // The slot came back: the next caller runs at once.
    assert.equal(await limit.run(async () => 'ran'), 'ran');
  });
});
