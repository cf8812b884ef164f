// Workload private keys as certificate tools write them — PKCS#8 (also encrypted), SEC1
// ("EC PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY"), in PEM or PKCS#8 DER — read by Node's own
// parser, and the JWS algorithm each key type signs with (docs/specs/x509.md §1).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { RolegateClientError } from './errors.ts';

export type CertificateKeyInput = string | Buffer | KeyObject;
export type AssertionAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'ES512';

const CURVE_ALGORITHMS: Readonly<Record<string, AssertionAlgorithm>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

export function readPrivateKey(input: CertificateKeyInput, passphrase?: string): KeyObject {
  if (typeof input === 'object' && 'asymmetricKeyType' in input && !Buffer.isBuffer(input)) {
    if (input.type !== 'private') {
      throw new RolegateClientError('client.certificate_invalid', 'the key must be a private key');
    }
    return input;
  }
  try {
    return decodePrivateKey(input as string | Buffer, passphrase, 'the private key');
  } catch (error) {
    // The X.509 assertion and the TLS login have always reported a passphrase problem as
    // client.certificate_invalid (docs/errors.md); they keep that code.
    if (error instanceof RolegateClientError && error.code === 'client.passphrase_invalid') {
      throw new RolegateClientError('client.certificate_invalid', error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * A private key from PEM or DER bytes, telling a passphrase problem — an encrypted key with no
 * passphrase, or one that does not open it: `client.passphrase_invalid` — from a key that cannot
 * be read (`client.certificate_invalid`). `what` names the key in messages (its file, say).
 */
export function decodePrivateKey(
  input: string | Buffer,
  passphrase: string | undefined,
  what: string,
): KeyObject {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const isPem = text.includes('-----BEGIN');
  const encrypted = isPem ? ENCRYPTED_PEM.test(text) : isEncryptedPkcs8Der(Buffer.from(input));
  if (encrypted && passphrase === undefined) {
    throw new RolegateClientError(
      'client.passphrase_invalid',
      `${what} is encrypted: give its passphrase`,
    );
  }
  try {
    return isPem
      ? createPrivateKey({ key: text, format: 'pem', passphrase })
      : createPrivateKey({
          key: Buffer.from(input),
          format: 'der',
          type: 'pkcs8',
          ...(encrypted ? { passphrase } : {}),
        });
  } catch (cause) {
    const reason = (cause as { code?: string }).code ?? 'bad key';
    // A wrong passphrase shows as a bad decrypt, or — when the padding happens to look right —
    // as garbage that does not decode: either way the passphrase does not open the key.
    if (encrypted) {
      throw new RolegateClientError(
        'client.passphrase_invalid',
        `the passphrase does not open ${what} (${reason})`,
        { cause },
      );
    }
    throw new RolegateClientError(
      'client.certificate_invalid',
      `${what} cannot be read (${reason}): PKCS#8, encrypted PKCS#8, SEC1 or PKCS#1 expected`,
      { cause },
    );
  }
}

/** Encrypted PKCS#8, or OpenSSL's traditional encryption of PKCS#1 and SEC1 keys. */
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: *4, *ENCRYPTED/m;

/** EncryptedPrivateKeyInfo opens with an AlgorithmIdentifier SEQUENCE, PrivateKeyInfo with an INTEGER. */
function isEncryptedPkcs8Der(der: Buffer): boolean {
  if (der[0] !== 0x30 || der.length < 4) return false;
  const first = der[1]!;
  const header = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return der[header] === 0x30;
}

/** The one JWS algorithm for a key; RSA below 2048 bits and other key types are refused. */
export function jwsAlgorithmFor(key: KeyObject): AssertionAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < 2048) {
        throw new RolegateClientError(
          'client.certificate_invalid',
          'RSA keys must have at least 2048 bits',
        );
      }
      return key.asymmetricKeyType === 'rsa' ? 'RS256' : 'PS256';
    case 'ec': {
      const alg = CURVE_ALGORITHMS[details.namedCurve ?? ''];
      if (alg !== undefined) return alg;
      break;
    }
  }
  throw new RolegateClientError(
    'client.certificate_invalid',
    `no assertion algorithm for a ${key.asymmetricKeyType} key${details.namedCurve ? ` on ${details.namedCurve}` : ''}: RSA ≥ 2048 or EC P-256/384/521`,
  );
}
