// Key pairs for test certificates, made with node:crypto so that any curve or size a hostile test
// needs (RSA-1024, secp256k1, Ed25519…) is available, not only what webcrypto can generate.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

export const TEST_KEY_TYPES = [
  'ec-p256',
  'ec-p384',
  'ec-p521',
  'ec-secp256k1',
  'rsa-1024',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
  'ed25519',
] as const;

export type TestKeyType = (typeof TEST_KEY_TYPES)[number];

export interface TestKey {
  readonly type: TestKeyType;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** The JWS `alg` this key signs with by default (RS256 for RSA, ES256/384/512 by curve). */
  readonly jwsAlgorithm: string;
}

const EC_CURVES: Partial<Record<TestKeyType, string>> = {
  'ec-p256': 'P-256',
  'ec-p384': 'P-384',
  'ec-p521': 'P-521',
  'ec-secp256k1': 'secp256k1',
};

const JWS_ALGORITHMS: Record<TestKeyType, string> = {
  'ec-p256': 'ES256',
  'ec-p384': 'ES384',
  'ec-p521': 'ES512',
  'ec-secp256k1': 'ES256K',
  'rsa-1024': 'RS256',
  'rsa-2048': 'RS256',
  'rsa-3072': 'RS256',
  'rsa-4096': 'RS256',
  ed25519: 'EdDSA',
};

export function generateTestKey(type: TestKeyType = 'ec-p256'): TestKey {
  const pair = generate(type);
  return fromKeyPair(type, pair.privateKey, pair.publicKey);
}

/**
 * A TestKey from a kept PKCS#8 PEM private key (`rolegate dev` keeps its CA key across restarts);
 * only the key types test certificates are made with.
 */
export function testKeyFromPem(pem: string): TestKey {
  const privateKey = createPrivateKey(pem);
  const details = privateKey.asymmetricKeyDetails ?? {};
  const type = (
    privateKey.asymmetricKeyType === 'rsa'
      ? `rsa-${details.modulusLength}`
      : privateKey.asymmetricKeyType === 'ec'
        ? { prime256v1: 'ec-p256', secp384r1: 'ec-p384', secp521r1: 'ec-p521' }[
            details.namedCurve ?? ''
          ]
        : privateKey.asymmetricKeyType
  ) as TestKeyType | undefined;
  if (type === undefined || !(TEST_KEY_TYPES as readonly string[]).includes(type)) {
    throw new TypeError(`not a test key type: ${privateKey.asymmetricKeyType}`);
  }
  return fromKeyPair(type, privateKey, createPublicKey(privateKey));
}

function generate(type: TestKeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  const curve = EC_CURVES[type];
  if (curve !== undefined) return generateKeyPairSync('ec', { namedCurve: curve });
  if (type === 'ed25519') return generateKeyPairSync('ed25519');
  if (type.startsWith('rsa-')) {
    return generateKeyPairSync('rsa', { modulusLength: Number(type.slice(4)) });
  }
  throw new TypeError(`unknown key type ${type}`);
}

function fromKeyPair(type: TestKeyType, privateKey: KeyObject, publicKey: KeyObject): TestKey {
  return Object.freeze({
    type,
    privateKey,
    publicKey,
    spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    jwsAlgorithm: JWS_ALGORITHMS[type],
  });
}
