// The rotation drill of the runbooks, end to end: a real broker issues tokens without pause while a
// real @rolegate/verify verifier, reading the broker's JWKS over HTTP, checks every token it has
// seen, again and again. The ring is edited as `rolegate keys` edits it (the broker picks the
// file up by itself). Promotion must cost zero failed verifications; after revocation the old
// key's tokens must be refused once the verifier's key set is refreshed. The same drill runs with
// KMS keys, the emulator's deny switch standing in for the key policy that keeps backups unusable.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDevIdentities,
  type KmsEmulator,
  type StsIdentity,
  startKmsEmulator,
} from '@rolegate/testkit';
import { createVerifier, type Verifier } from '@rolegate/verify';
import { decodeProtectedHeader } from 'jose';
import { promote, revoke } from '../src/keys/ring-edits.ts';
import { readRingFile, writeRingFile } from '../src/keys/ring-file.ts';
import { type Harness, startHarness, tokenForm } from './support/harness.ts';
import { kmsClientFactoryFor } from './support/kms.ts';

const AUDIENCE = 'https://billing.example';
/** The verifier re-reads the JWKS at least this often: the bound on how long a revoked key lasts. */
const REFRESH_MS = 400;
/** Generous slack over REFRESH_MS for the broker's file-watch settle and a loaded CI machine. */
const REVOCATION_DEADLINE_MS = REFRESH_MS + 4000;

interface Issued {
  readonly token: string;
  readonly kid: string;
}

/** Everything one drill run observed. */
class DrillLog {
  readonly issued: Issued[] = [];
  readonly failures: string[] = [];
  readonly verifiedByKid = new Map<string, number>();
  issueErrors = 0;

  kidsIssued(): Set<string> {
    return new Set(this.issued.map((i) => i.kid));
  }
  issuedWith(kid: string): Issued[] {
    return this.issued.filter((i) => i.kid === kid);
  }
}

/**
 * Runs the issuing loop and the verifying loop until `stop()`; `live` says which tokens must still
 * verify (all of them, until a key is revoked on purpose).
 */
function runLoops(h: Harness, verifier: Verifier, log: DrillLog) {
  let stopped = false;
  let live = (_issued: Issued) => true;
  let second = 0;
  const base = Date.now();
  const names = ['orders', 'reviews'];

  const issuing = (async () => {
    while (!stopped) {
      // SigV4 is deterministic per second and key: walk back one second per proof (the STS window
      // is ±15 minutes), alternating identities, so every proof is new.
      const who = names[second % names.length]!;
      const at = new Date(base - Math.floor(second / names.length) * 1000);
      second++;
      const res = await h.exchange(tokenForm(await h.proofFor(who, { now: at }), AUDIENCE));
      if (res.status !== 200) {
        log.issueErrors++;
        log.failures.push(`issue ${res.status} ${JSON.stringify(res.body)}`);
      } else {
        const token = res.body.access_token as string;
        log.issued.push({ token, kid: decodeProtectedHeader(token).kid! });
      }
      await sleep(5);
    }
  })();

  const verifying = (async () => {
    while (!stopped) {
      for (const issued of log.issued.slice(-40)) {
        if (!live(issued)) continue;
        try {
          await verifier.verify(issued.token);
          log.verifiedByKid.set(issued.kid, (log.verifiedByKid.get(issued.kid) ?? 0) + 1);
        } catch (error) {
          log.failures.push(`verify ${issued.kid}: ${(error as { code?: string }).code}`);
        }
      }
      await sleep(2);
    }
  })();

  return {
    onlyLive(predicate: (issued: Issued) => boolean) {
      live = predicate;
    },
    async stop() {
      stopped = true;
      await Promise.all([issuing, verifying]);
    },
  };
}

/** Polls `done` every 10 ms for at most `ms`; fails with `what` if it never holds. */
async function within(ms: number, what: string, done: () => boolean | Promise<boolean>) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return;
    await sleep(10);
  }
  assert.fail(`not within ${ms} ms: ${what}`);
}

function verifierFor(h: Harness): Verifier {
  return createVerifier({
    issuer: 'http://broker.test',
    audience: AUDIENCE,
    jwksUri: `${h.brokerUrl}/.well-known/jwks.json`,
    // The broker says max-age=300; the drill's verifier refreshes far sooner so that a test can
    // watch revocation take effect. The token cache stays on: it must forget withdrawn keys too.
    // The cooldown equals the refresh interval, so an unknown kid cannot be fetched on demand
    // right away: a promoted key that verifiers did not already hold would show as failures.
    jwks: { cooldownMs: REFRESH_MS, maxMaxAgeMs: REFRESH_MS },
  });
}

async function jwksKids(h: Harness): Promise<string[]> {
  const res = await fetch(`${h.brokerUrl}/.well-known/jwks.json`);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
}

function ringDir(h: Harness): string {
  return `${h.broker.config.stateDir}/keys`;
}

/** Edits keyring.json the way `rolegate keys promote|revoke` does. */
function editRing(h: Harness, edit: typeof promote | typeof revoke, kid: string): void {
  writeRingFile(ringDir(h), edit(readRingFile(ringDir(h)), kid, new Date()));
}

/** Revocation: the old key's tokens are refused within the refresh bound; the new key's are not. */
async function revokeAndWatch(
  h: Harness,
  verifier: Verifier,
  log: DrillLog,
  loops: ReturnType<typeof runLoops>,
  oldKid: string,
  newKid: string,
) {
  const oldToken = log.issuedWith(oldKid).at(-1)!.token;
  await verifier.verify(oldToken); // still good until the revocation is seen
  loops.onlyLive((issued) => issued.kid !== oldKid);
  editRing(h, revoke, oldKid);
  const revokedAt = Date.now();
  await within(REVOCATION_DEADLINE_MS, `tokens of ${oldKid} refused after revocation`, () =>
    verifier.verify(oldToken).then(
      () => false,
      (error: { code?: string }) => {
        assert.equal(error.code, 'token.unknown_key');
        return true;
      },
    ),
  );
  const seenAfterMs = Date.now() - revokedAt;
  // Keep going a little: the new key's tokens must not be caught up in the revocation.
  const verifiedBefore = log.verifiedByKid.get(newKid) ?? 0;
  await within(5000, 'the new key keeps verifying', () => {
    return (log.verifiedByKid.get(newKid) ?? 0) > verifiedBefore + 20;
  });
  await loops.stop();
  assert.deepEqual(log.failures, [], 'no failure other than the revoked key');
  return seenAfterMs;
}

describe('rotation drill with local keys', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  it('promote: zero failed verifications; revoke: old tokens refused within the refresh interval', async () => {
    const [active, standby] = readRingFile(ringDir(h)).keys;
    assert.equal(active!.status, 'active');
    assert.equal(standby!.status, 'standby');
    const verifier = verifierFor(h);
    const log = new DrillLog();
    const loops = runLoops(h, verifier, log);

    await within(5000, 'tokens of the first key verified', () => {
      return (log.verifiedByKid.get(active!.kid) ?? 0) >= 20;
    });
    assert.ok((await jwksKids(h)).includes(standby!.kid), 'the standby key is published');
    editRing(h, promote, standby!.kid);
    await within(5000, 'the promoted key signs', () => log.kidsIssued().has(standby!.kid));
    await within(5000, 'both keys verified after promotion', () => {
      return (log.verifiedByKid.get(standby!.kid) ?? 0) >= 20;
    });
    assert.deepEqual(log.failures, [], 'promotion cost no verification and no token');
    // Every token issued after the switch carries the new kid: no key signs out of turn.
    const firstNew = log.issued.findIndex((i) => i.kid === standby!.kid);
    assert.ok(log.issued.slice(firstNew).every((i) => i.kid === standby!.kid));

    await revokeAndWatch(h, verifier, log, loops, active!.kid, standby!.kid);
    assert.equal(log.issueErrors, 0);
  });
});

describe('rotation drill with KMS keys and the deny switch', () => {
  let kms: KmsEmulator;
  let caller: StsIdentity;
  let h: Harness;
  let kidA: string;
  let kidB: string;

  before(async () => {
    [caller] = createDevIdentities() as [StsIdentity];
    kms = await startKmsEmulator({ credentials: [caller] });
    await kms.createKey('RSA_2048', { aliases: ['alias/drill-a'] });
    const b = await kms.createKey('RSA_2048', { aliases: ['alias/drill-b'] });
    // The backup key is published but unusable, as a deny-kms:Sign key policy keeps it.
    kms.denySign(b.keyId);
    const clientFactory = kmsClientFactoryFor(caller);
    // Configuration alone names the keys: the first run writes the ring from it.
    h = await startHarness(
      {
        keys: {
          kms: {
            region: kms.region,
            endpoint: kms.url,
            active: 'alias/drill-a',
            standby: ['alias/drill-b'],
          },
        },
      },
      { kmsClientFactory: clientFactory },
    );
    const ring = readRingFile(ringDir(h)).keys;
    kidA = ring[0]!.kid;
    kidB = ring[1]!.kid;
  });
  after(async () => {
    await h?.close();
    await kms?.close();
  });

  it('the ring written from the configuration names both KMS keys and no private key', () => {
    const ring = readRingFile(ringDir(h)).keys;
    assert.deepEqual(
      ring.map((k) => [k.status, k.kms?.keyId, k.file]),
      [
        ['active', 'alias/drill-a', undefined],
        ['standby', 'alias/drill-b', undefined],
      ],
    );
  });

  it('promotion while the deny holds is refused and changes nothing; lifted, it costs zero failures; revocation takes effect', async () => {
    const verifier = verifierFor(h);
    const log = new DrillLog();
    const loops = runLoops(h, verifier, log);
    await within(5000, 'tokens of key A verified', () => {
      return (log.verifiedByKid.get(kidA) ?? 0) >= 20;
    });

    assert.deepEqual(
      new Set(await jwksKids(h)),
      new Set([kidA, kidB]),
      'the denied backup is published',
    );
    // Promoting the backup before lifting its deny: the self-test fails, A keeps signing.
    editRing(h, promote, kidB);
    await within(5000, 'the refused reload is logged', () =>
      h.logs().includes('key ring reload refused'),
    );
    assert.equal(h.broker.keys.current.active.kid, kidA);
    const issuedBefore = log.issued.length;
    await within(5000, 'A still signs', () => log.issued.length > issuedBefore + 10);
    assert.deepEqual(log.kidsIssued(), new Set([kidA]));
    assert.deepEqual(log.failures, []);

    // The runbook's order: lift the deny, then have the broker re-read the ring (SIGHUP).
    kms.denySign(kidAlias(kms, 'alias/drill-b'), false);
    assert.equal(await h.broker.keys.reload('SIGHUP'), true);
    await within(5000, 'B signs', () => log.kidsIssued().has(kidB));
    await within(5000, 'B tokens verified', () => (log.verifiedByKid.get(kidB) ?? 0) >= 20);
    assert.deepEqual(log.failures, [], 'promotion cost no verification and no token');

    // Compromise of A: deny its use in KMS and withdraw it from the JWKS.
    kms.denySign(kidAlias(kms, 'alias/drill-a'));
    await revokeAndWatch(h, verifier, log, loops, kidA, kidB);
    assert.equal(log.issueErrors, 0);
  });
});

function kidAlias(kms: KmsEmulator, alias: string): string {
  return kms.describe(alias).keyId;
}
