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
  RING_FILE,
  type RingEntry,
  type RingFile,
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
  static async load(
    dir: string,
    createWith: SigningAlgorithm,
    kms?: KmsKeySource,
  ): Promise<KeyRing> {
    if (!existsSync(join(dir, RING_FILE))) await createRing(dir, createWith);
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

async function createRing(dir: string, alg: SigningAlgorithm): Promise<void> {
  const active = await createKeyFile(dir, alg);
  const standby = await createKeyFile(dir, alg);
  const ring: RingFile = {
    version: 1,
    keys: [
      { ...active, status: 'active' },
      { ...standby, status: 'standby' },
    ],
  };
  writeRingFile(dir, ring);
}
