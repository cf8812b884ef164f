// The asymmetric key specs the emulator can hold and the signing algorithms each allows, as in the
// KMS developer guide's "Asymmetric key specs" table, plus KMS's full enum value sets, which its
// ValidationException messages list when a request names a value outside them.
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export type KmsKeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'ECC_NIST_P256' | 'ECC_NIST_P384';

export type KmsSigningAlgorithm =
  | 'RSASSA_PKCS1_V1_5_SHA_256'
  | 'RSASSA_PKCS1_V1_5_SHA_384'
  | 'RSASSA_PKCS1_V1_5_SHA_512'
  | 'RSASSA_PSS_SHA_256'
  | 'RSASSA_PSS_SHA_384'
  | 'RSASSA_PSS_SHA_512'
  | 'ECDSA_SHA_256'
  | 'ECDSA_SHA_384';

export type HashName = 'sha256' | 'sha384' | 'sha512';

export interface AlgorithmInfo {
  scheme: 'pkcs1' | 'pss' | 'ecdsa';
  hash: HashName;
  /** Bytes of a DIGEST message for this algorithm (KMS wants exactly this many). */
  digestLength: number;
}

export const ALGORITHMS: Readonly<Record<KmsSigningAlgorithm, AlgorithmInfo>> = {
  RSASSA_PKCS1_V1_5_SHA_256: { scheme: 'pkcs1', hash: 'sha256', digestLength: 32 },
  RSASSA_PKCS1_V1_5_SHA_384: { scheme: 'pkcs1', hash: 'sha384', digestLength: 48 },
  RSASSA_PKCS1_V1_5_SHA_512: { scheme: 'pkcs1', hash: 'sha512', digestLength: 64 },
  RSASSA_PSS_SHA_256: { scheme: 'pss', hash: 'sha256', digestLength: 32 },
  RSASSA_PSS_SHA_384: { scheme: 'pss', hash: 'sha384', digestLength: 48 },
  RSASSA_PSS_SHA_512: { scheme: 'pss', hash: 'sha512', digestLength: 64 },
  ECDSA_SHA_256: { scheme: 'ecdsa', hash: 'sha256', digestLength: 32 },
  ECDSA_SHA_384: { scheme: 'ecdsa', hash: 'sha384', digestLength: 48 },
};

const RSA_ALGORITHMS: readonly KmsSigningAlgorithm[] = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];

interface SpecInfo {
  signingAlgorithms: readonly KmsSigningAlgorithm[];
  generate(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;
  /** Whether existing key material is of this spec. */
  matches(key: KeyObject): boolean;
}

const generate = promisify(generateKeyPair);

const rsa = (modulusLength: number): SpecInfo => ({
  signingAlgorithms: RSA_ALGORITHMS,
  generate: () => generate('rsa', { modulusLength }),
  matches: (key) =>
    key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === modulusLength,
});

// node names the curves by their OpenSSL names in asymmetricKeyDetails.
const ec = (namedCurve: string, opensslName: string, algorithm: KmsSigningAlgorithm): SpecInfo => ({
  signingAlgorithms: [algorithm],
  generate: () => generate('ec', { namedCurve }),
  matches: (key) =>
    key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === opensslName,
});

export const KEY_SPECS: Readonly<Record<KmsKeySpec, SpecInfo>> = {
  RSA_2048: rsa(2048),
  RSA_3072: rsa(3072),
  RSA_4096: rsa(4096),
  ECC_NIST_P256: ec('P-256', 'prime256v1', 'ECDSA_SHA_256'),
  ECC_NIST_P384: ec('P-384', 'secp384r1', 'ECDSA_SHA_384'),
};

export function isSupportedKeySpec(value: string): value is KmsKeySpec {
  return Object.hasOwn(KEY_SPECS, value);
}

/** KMS's KeySpec enum: anything else is a ValidationException, not an unsupported spec. */
export const KEY_SPEC_ENUM = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
] as const;

/** KMS's SigningAlgorithmSpec enum. A valid name the key cannot use is InvalidKeyUsage. */
export const SIGNING_ALGORITHM_ENUM = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;

export const MESSAGE_TYPE_ENUM = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;

export const KEY_USAGE_ENUM = [
  'SIGN_VERIFY',
  'ENCRYPT_DECRYPT',
  'GENERATE_VERIFY_MAC',
  'KEY_AGREEMENT',
] as const;
