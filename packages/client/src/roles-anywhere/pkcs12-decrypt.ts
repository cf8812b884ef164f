// Password-based decryption of what a PKCS#12 bundle encrypts — its certificate safe
// (EncryptedData) and its shrouded keys (EncryptedPrivateKeyInfo) — for the two schemes OpenSSL
// writes by default: PBES2 (PBKDF2 + AES-CBC; OpenSSL 3) and pbeWithSHAAnd3-KeyTripleDES-CBC
// (the PKCS#12 KDF + 3DES; OpenSSL 1.1 for keys). Everything else, notably the RC2-40 that old
// tools (and `openssl pkcs12 -legacy`) use for certificates, is refused with how to re-export.
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { OctetString } from '@peculiar/asn1-schema';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RolegateClientError } from '../errors.ts';
import {
  malformed,
  OID,
  Pbes2Params,
  Pbkdf2Params,
  Pkcs12PbeParams,
  parseDer,
} from './pkcs12-asn1.ts';
import { bmpPassword, KDF_HASHES, KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.ts';
import { PKCS12_LIMITS, type RoundBudget } from './pkcs12-limits.ts';

export const REEXPORT_HINT =
  'openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256';

/** The HMAC of PBKDF2, by OID (RFC 8018 B.1); absent means hmacWithSHA1. */
const PBKDF2_PRFS: Readonly<Record<string, string>> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const AES_CBC: Readonly<Record<string, { readonly cipher: string; readonly keyBytes: number }>> = {
  '2.16.840.1.101.3.4.1.2': { cipher: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { cipher: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { cipher: 'aes-256-cbc', keyBytes: 32 },
};

/** Names of schemes met in old bundles, so the refusal says what the file holds. */
const REFUSED_SCHEMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC (RC2-40)',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
};

/** The password as each scheme takes it: PBES2 its UTF-8 bytes, the PKCS#12 KDF its BMPString. */
export interface BundlePassword {
  /** The passphrase; null for the absent password (see bmpPassword). */
  readonly text: string | null;
}

/** Decrypts `data`, encrypted under `algorithm` with `password`; `what` names it in errors. */
export function decryptWithPassword(
  algorithm: AlgorithmIdentifier,
  data: Uint8Array,
  password: BundlePassword,
  budget: RoundBudget,
  what: string,
): Buffer {
  const { cipher, key, iv } =
    algorithm.algorithm === OID.pbes2
      ? pbes2(algorithm, password, budget, what)
      : algorithm.algorithm === OID.pbeWithSHAAnd3KeyTripleDESCBC
        ? tripleDes(algorithm, password, budget, what)
        : refuse(algorithm.algorithm, what);
  if (data.length === 0) throw malformed(`${what} is empty`);
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (cause) {
    // With CBC and PKCS#7 padding, a wrong password shows as bad padding at the end.
    throw new RolegateClientError(
      'client.passphrase_invalid',
      `the passphrase does not decrypt ${what} (${(cause as { code?: string }).code ?? 'bad decrypt'})`,
      { cause },
    );
  }
}

interface CipherInput {
  readonly cipher: string;
  readonly key: Buffer;
  readonly iv: Buffer;
}

function pbes2(
  algorithm: AlgorithmIdentifier,
  password: BundlePassword,
  budget: RoundBudget,
  what: string,
): CipherInput {
  const params = parseDer(parametersOf(algorithm, what), Pbes2Params, `${what}: PBES2 parameters`);
  const kdf = params.keyDerivationFunc;
  if (kdf.algorithm !== OID.pbkdf2) {
    throw unsupportedScheme(`${what}: PBES2 with key derivation ${kdf.algorithm}`);
  }
  const pbkdf2 = parseDer(parametersOf(kdf, what), Pbkdf2Params, `${what}: PBKDF2 parameters`);
  const prf = pbkdf2.prf === undefined ? 'sha1' : PBKDF2_PRFS[pbkdf2.prf.algorithm];
  if (prf === undefined || (pbkdf2.prf !== undefined && !isNullOrAbsent(pbkdf2.prf))) {
    throw unsupportedScheme(`${what}: PBKDF2 with PRF ${pbkdf2.prf?.algorithm}`);
  }
  const scheme = AES_CBC[params.encryptionScheme.algorithm];
  if (scheme === undefined) {
    throw unsupportedScheme(`${what}: PBES2 with cipher ${params.encryptionScheme.algorithm}`);
  }
  if (pbkdf2.keyLength !== undefined && pbkdf2.keyLength !== scheme.keyBytes) {
    throw malformed(`${what}: PBKDF2 key length ${pbkdf2.keyLength} for ${scheme.cipher}`);
  }
  const iv = Buffer.from(
    parseDer(parametersOf(params.encryptionScheme, what), OctetString, `${what}: IV`).buffer,
  );
  if (iv.length !== 16) throw malformed(`${what}: a ${iv.length}-byte IV for ${scheme.cipher}`);
  const salt = checkedSalt(Buffer.from(pbkdf2.salt.buffer), what);
  const blocks = Math.ceil(scheme.keyBytes / KDF_HASHES[prf]!.u);
  budget.spend(pbkdf2.iterationCount, blocks, 'pbkdf2', `${what}: PBKDF2`);
  const passwordBytes = Buffer.from(password.text ?? '', 'utf8');
  const key = pbkdf2Sync(passwordBytes, salt, pbkdf2.iterationCount, scheme.keyBytes, prf);
  return { cipher: scheme.cipher, key, iv };
}

function tripleDes(
  algorithm: AlgorithmIdentifier,
  password: BundlePassword,
  budget: RoundBudget,
  what: string,
): CipherInput {
  const params = parseDer(
    parametersOf(algorithm, what),
    Pkcs12PbeParams,
    `${what}: PBE parameters`,
  );
  const salt = checkedSalt(Buffer.from(params.salt.buffer), what);
  // 24 key bytes are two SHA-1 blocks, the 8 IV bytes one more.
  budget.spend(params.iterations, 3, 'pkcs12Kdf', `${what}: PKCS#12 KDF`);
  const bmp = bmpPassword(password.text);
  const derive = (purpose: number, length: number) =>
    pkcs12Kdf('sha1', bmp, salt, purpose, params.iterations, length);
  return {
    cipher: 'des-ede3-cbc',
    key: derive(KDF_PURPOSE.key, 24),
    iv: derive(KDF_PURPOSE.iv, 8),
  };
}

function refuse(oid: string, what: string): never {
  throw unsupportedScheme(`${what} is encrypted with ${REFUSED_SCHEMES[oid] ?? oid}`);
}

function unsupportedScheme(why: string): RolegateClientError {
  return new RolegateClientError(
    'client.certificate_invalid',
    `${why}, which this reader does not support: re-export the bundle with \`${REEXPORT_HINT}\``,
  );
}

function parametersOf(algorithm: AlgorithmIdentifier, what: string): ArrayBuffer {
  if (algorithm.parameters === undefined || algorithm.parameters === null) {
    throw malformed(`${what}: ${algorithm.algorithm} without parameters`);
  }
  return algorithm.parameters;
}

const DER_NULL = Buffer.from([0x05, 0x00]);

/** An HMAC AlgorithmIdentifier's parameters are NULL or absent (RFC 8018 B.1). */
function isNullOrAbsent(algorithm: AlgorithmIdentifier): boolean {
  const parameters = algorithm.parameters;
  if (parameters === undefined || parameters === null) return true;
  return Buffer.from(parameters).equals(DER_NULL);
}

function checkedSalt(salt: Buffer, what: string): Buffer {
  if (salt.length === 0 || salt.length > PKCS12_LIMITS.maxSaltBytes) {
    throw malformed(`${what}: a ${salt.length}-byte salt`);
  }
  return salt;
}
