// Which keys and signature algorithms a certificate chain may use, and signature checks with them.
// The allow-list is checked by OID here because node:crypto's X509Certificate.verify() accepts
// SHA-1 (and whatever else OpenSSL still knows).
import { constants, type KeyObject, verify } from 'node:crypto';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { IdentityError } from '../errors.ts';
import { strict } from './cert-extensions.ts';

export type Hash = 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  readonly family: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';
  readonly hash: Hash;
  /** RSA-PSS only: always the hash length (the only salt length rolegate accepts). */
  readonly saltLength?: number;
}

const RSA_PKCS1: Readonly<Record<string, Hash>> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const ECDSA: Readonly<Record<string, Hash>> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const HASH_OIDS: Readonly<Record<string, Hash>> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HASH_BYTES: Readonly<Record<Hash, number>> = { sha256: 32, sha384: 48, sha512: 64 };
const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';

/** Reads a signature AlgorithmIdentifier, refusing anything off the allow-list (SHA-1, MD5…). */
export function signatureAlgorithm(id: AlgorithmIdentifier): SignatureAlgorithm {
  const refuse = (why: string) =>
    new IdentityError('cert.signature_algorithm_not_allowed', `${id.algorithm}: ${why}`);
  // asn1-x509 reads an absent parameters field as undefined and an ASN.1 NULL as null.
  const params = id.parameters;
  const rsa = RSA_PKCS1[id.algorithm];
  if (rsa !== undefined) {
    // RFC 4055 §5: the parameters are NULL; absent is tolerated, as most verifiers do.
    if (params !== null && params !== undefined) throw refuse('parameters');
    return { family: 'rsa-pkcs1', hash: rsa };
  }
  const ec = ECDSA[id.algorithm];
  if (ec !== undefined) {
    if (params !== undefined) throw refuse('ECDSA takes no parameters');
    return { family: 'ecdsa', hash: ec };
  }
  if (id.algorithm === RSA_PSS && params) return pss(new Uint8Array(params), refuse);
  throw refuse('not in the allow-list');
}

function pss(params: Uint8Array, refuse: (why: string) => IdentityError): SignatureAlgorithm {
  let p: RsaSaPssParams;
  try {
    p = strict(params, RsaSaPssParams);
  } catch {
    throw refuse('unreadable RSASSA-PSS parameters');
  }
  const hash = HASH_OIDS[p.hashAlgorithm.algorithm];
  if (hash === undefined) throw refuse('RSASSA-PSS hash');
  let mgfHash: string | undefined;
  try {
    const mgf = p.maskGenAlgorithm;
    if (mgf.algorithm === MGF1 && mgf.parameters)
      mgfHash = AsnConvert.parse(mgf.parameters, AlgorithmIdentifier).algorithm;
  } catch {}
  if (mgfHash === undefined || HASH_OIDS[mgfHash] !== hash) throw refuse('RSASSA-PSS MGF1 hash');
  if (p.saltLength !== HASH_BYTES[hash] || p.trailerField !== 1) throw refuse('RSASSA-PSS salt');
  return { family: 'rsa-pss', hash, saltLength: p.saltLength };
}

export type KeyKind = 'rsa' | 'ec-p256' | 'ec-p384' | 'ec-p521';

const CURVES: Readonly<Record<string, KeyKind>> = {
  prime256v1: 'ec-p256',
  secp384r1: 'ec-p384',
  secp521r1: 'ec-p521',
};

/** The largest RSA public exponent accepted (Go's crypto/rsa takes up to 2^31 − 1). */
const MAX_RSA_EXPONENT = 2n ** 32n - 1n;

/**
 * The key's kind when it is allowed: RSA 2048–8192 bits with an odd public exponent from 3 to
 * 2^32 − 1, EC P-256/384/521. Else undefined.
 */
export function keyKind(key: KeyObject): KeyKind | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength ?? 0;
    // Both bounds keep one hostile chain from costing seconds of CPU: OpenSSL caps neither the
    // exponent of a key up to 3072 bits (a 3000-bit e makes one check ~130x slower) nor, here,
    // the modulus.
    const e = details?.publicExponent ?? 0n;
    const exponentOk = e >= 3n && e <= MAX_RSA_EXPONENT && e % 2n === 1n;
    return bits >= 2048 && bits <= 8192 && exponentOk ? 'rsa' : undefined;
  }
  if (key.asymmetricKeyType === 'ec') return CURVES[details?.namedCurve ?? ''];
  return undefined;
}

/** Checks `signature` over `data` with `key`; false for a bad signature or a mismatched key. */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const kind = keyKind(key);
  if (kind === undefined || (algorithm.family === 'ecdsa') !== kind.startsWith('ec-')) return false;
  try {
    if (algorithm.family === 'rsa-pss') {
      return verify(
        algorithm.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength },
        signature,
      );
    }
    return verify(algorithm.hash, data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
