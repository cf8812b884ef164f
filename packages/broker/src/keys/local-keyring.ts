// The local key ring: signing keys kept as PKCS#8 PEM files in the state folder, listed in
// keyring.json with their status. Generated on first run with one active and one standby key, so
// verifiers already hold the next key before it is ever used. `kid` is the RFC 7638 thumbprint.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { algorithmOfKey, generateKeyPair, type SigningAlgorithm } from './algorithms.ts';

export type KeyStatus = 'active' | 'standby';

export interface RingKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JWK;
}

interface RingFile {
  readonly version: 1;
  readonly keys: readonly { kid: string; status: KeyStatus; file: string; createdAt: string }[];
}

export class LocalKeyRing {
  readonly keys: readonly RingKey[];

  private constructor(keys: readonly RingKey[]) {
    const active = keys.filter((k) => k.status === 'active');
    if (active.length !== 1)
      throw new Error(`key ring must have exactly one active key, has ${active.length}`);
    this.keys = keys;
  }

  get active(): RingKey {
    return this.keys.find((k) => k.status === 'active')!;
  }

  /** Keys verifiers should accept: the active one and the standbys. */
  get published(): readonly RingKey[] {
    return this.keys;
  }

  /** Loads `<dir>/keyring.json`, creating the folder and a fresh ring on first run. */
  static async loadOrCreate(dir: string, alg: SigningAlgorithm): Promise<LocalKeyRing> {
    const ringPath = join(dir, 'keyring.json');
    if (!existsSync(ringPath)) await createRing(dir, alg);
    const ring = JSON.parse(readFileSync(ringPath, 'utf8')) as RingFile;
    if (ring.version !== 1 || !Array.isArray(ring.keys))
      throw new Error(`${ringPath}: not a version 1 key ring`);
    const keys = await Promise.all(
      ring.keys.map(async (entry) => {
        const privateKey = createPrivateKey(readFileSync(join(dir, entry.file)));
        const key = await describeKey(privateKey, entry.status, entry.createdAt);
        if (key.kid !== entry.kid)
          throw new Error(`${entry.file}: kid in keyring.json does not match the key`);
        return key;
      }),
    );
    return new LocalKeyRing(keys);
  }
}

async function describeKey(
  privateKey: KeyObject,
  status: KeyStatus,
  createdAt: string,
): Promise<RingKey> {
  const alg = algorithmOfKey(privateKey);
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  return { kid, alg, status, createdAt, privateKey, publicJwk };
}

async function createRing(dir: string, alg: SigningAlgorithm): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries = [];
  for (const status of ['active', 'standby'] as const) {
    const { privateKey } = generateKeyPair(alg);
    const createdAt = new Date().toISOString();
    const key = await describeKey(privateKey, status, createdAt);
    const file = `${key.kid}.pem`;
    writeFileSync(join(dir, file), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    entries.push({ kid: key.kid, status, file, createdAt });
  }
  const ring: RingFile = { version: 1, keys: entries };
  // Write then rename, so a crash never leaves a half-written ring that the next start trusts.
  const tmp = join(dir, `keyring.json.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(dir, 'keyring.json'));
}
