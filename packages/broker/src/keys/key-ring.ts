// The broker's signing keys: keyring.json plus one PKCS#8 PEM file per local key in the state
// folder; a key may instead live in AWS KMS (see kms-signer.ts).
// On first run a ring with one active and one standby key is created, so verifiers already hold
// the next key before it is ever used. `kid` is the RFC 7638 thumbprint, stable across restarts.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { algorithmOfKey, generateKeyPair, type SigningAlgorithm } from './algorithms.ts';
import type { KmsKeySource, KmsSigner } from './kms-signer.ts';
import {
  type KeyStatus,
  type KmsKeyRef,
  RING_FILE,
  type RingEntry,
  readRingFile,
  writeRingFile,
} from './ring-file.ts';

interface RingKeyBase {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly status: KeyStatus;
  readonly createdAt: string;
  readonly retiredAt?: string;
  readonly publicJwk: JWK;
}

/** A key whose private half is a file in the keys folder. */
export interface LocalRingKey extends RingKeyBase {
  readonly source: 'file';
  readonly privateKey: KeyObject;
}

/** A key that only AWS KMS can sign with. */
export interface KmsRingKey extends RingKeyBase {
  readonly source: 'kms';
  readonly signer: KmsSigner;
}

export type RingKey = LocalRingKey | KmsRingKey;

export class KeyRing {
  /** Every key that is not revoked. Revoked keys are not even loaded. */
  readonly keys: readonly RingKey[];
  readonly active: RingKey;

  private constructor(keys: readonly RingKey[]) {
    this.keys = keys;
    this.active = keys.find((k) => k.status === 'active')!;
  }

  /**
   * Keys verifiers should accept at `nowMs`: active, standby, and retiring keys until every token
   * they signed has expired (`retainSeconds` after retirement: token lifetime plus clock leeway).
   */
  published(nowMs: number, retainSeconds: number): readonly RingKey[] {
    return this.keys.filter(
      (k) => k.status !== 'retiring' || Date.parse(k.retiredAt!) + retainSeconds * 1000 > nowMs,
    );
  }

  /**
   * Loads `<dir>/keyring.json`, creating the folder and a fresh ring on first run. KMS keys need
   * `kms`; their public keys are read from KMS (once per key and `kms` source).
   */
  static async load(dir: string, seed: RingSeed, kms?: KmsKeySource): Promise<KeyRing> {
    if (!existsSync(join(dir, RING_FILE))) await createRing(dir, seed, kms);
    const ring = readRingFile(dir);
    const keys = await Promise.all(
      ring.keys
        .filter((entry) => entry.status !== 'revoked')
        .map(async (entry) => {
          const key = await loadKey(dir, entry, kms);
          // The kid is the key's thumbprint: a ring naming the wrong file or KMS key is refused.
          if (key.kid !== entry.kid)
            throw new Error(
              `${entry.file ?? entry.kms?.keyId}: kid in ${RING_FILE} does not match the key (it is ${key.kid})`,
            );
          return key;
        }),
    );
    return new KeyRing(keys);
  }
}

/**
 * How a missing ring is made on first run: two local keys of `algorithm` (active and standby), or,
 * when the configuration names KMS keys, ring entries for those keys and no private key on disk.
 */
export interface RingSeed {
  readonly algorithm: SigningAlgorithm;
  readonly kms?: KmsSeed;
}

export interface KmsSeed {
  readonly region: string;
  readonly endpoint?: string;
  /** Key id, key ARN, alias name or alias ARN of the key that signs from the start. */
  readonly active: string;
  /** Keys published from the start for the next rotation (e.g. kept unusable by a deny policy). */
  readonly standby: readonly string[];
}

/**
 * The ring entry (status not set) for a KMS key: its kid is the thumbprint of the public key KMS
 * returns, so a ring can only name a key that exists and is an asymmetric signing key.
 */
export async function describeKmsKey(
  ref: KmsKeyRef,
  kms: KmsKeySource,
  now = new Date(),
): Promise<Omit<RingEntry, 'status'> & { kms: KmsKeyRef }> {
  const signer = await kms.signer(ref);
  return { kid: signer.kid, kms: ref, createdAt: now.toISOString() };
}

/** Generates a key, writes its PEM file (0600) and returns its ring entry (status not set). */
export async function createKeyFile(
  dir: string,
  alg: SigningAlgorithm,
  now = new Date(),
): Promise<Omit<RingEntry, 'status'> & { file: string }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPair(alg);
  const { kid } = await describeKey(privateKey, {
    status: 'standby',
    createdAt: now.toISOString(),
  });
  const file = `${kid}.pem`;
  writeFileSync(join(dir, file), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return { kid, file, createdAt: now.toISOString() };
}

async function loadKey(
  dir: string,
  entry: RingEntry,
  kms: KmsKeySource | undefined,
): Promise<RingKey> {
  if (entry.file !== undefined)
    return describeKey(createPrivateKey(readFileSync(join(dir, entry.file))), entry);
  if (entry.kms === undefined) throw new Error(`key ${entry.kid} names neither file nor kms`);
  if (kms === undefined) throw new Error(`key ${entry.kid} is a KMS key, and KMS is not set up`);
  const signer = await kms.signer(entry.kms);
  return {
    source: 'kms',
    kid: signer.kid,
    alg: signer.alg,
    status: entry.status,
    createdAt: entry.createdAt,
    retiredAt: entry.retiredAt,
    signer,
    publicJwk: signer.publicJwk,
  };
}

async function describeKey(
  privateKey: KeyObject,
  entry: Pick<RingEntry, 'status' | 'createdAt' | 'retiredAt'>,
): Promise<LocalRingKey> {
  const alg = algorithmOfKey(privateKey);
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  return {
    source: 'file',
    kid,
    alg,
    status: entry.status,
    createdAt: entry.createdAt,
    retiredAt: entry.retiredAt,
    privateKey,
    publicJwk,
  };
}

async function createRing(dir: string, seed: RingSeed, kms?: KmsKeySource): Promise<void> {
  let keys: RingEntry[];
  if (seed.kms !== undefined) {
    if (kms === undefined)
      throw new Error('the configuration names KMS keys, and KMS is not set up');
    const { region, endpoint, active, standby } = seed.kms;
    const ref = (keyId: string): KmsKeyRef =>
      endpoint === undefined ? { keyId, region } : { keyId, region, endpoint };
    keys = [
      { ...(await describeKmsKey(ref(active), kms)), status: 'active' },
      ...(await Promise.all(standby.map((id) => describeKmsKey(ref(id), kms)))).map((entry) => ({
        ...entry,
        status: 'standby' as const,
      })),
    ];
    if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
      throw new Error('keys.kms names the same KMS key twice');
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } else {
    const active = await createKeyFile(dir, seed.algorithm);
    const standby = await createKeyFile(dir, seed.algorithm);
    keys = [
      { ...active, status: 'active' },
      { ...standby, status: 'standby' },
    ];
  }
  writeRingFile(dir, { version: 1, keys });
}
