// A strict reader of PKCS#12 bundles (.p12, .pfx; RFC 7292), which Node cannot open: the PFX,
// its MAC checked with the passphrase, then the authenticated safe's contents — plain (data) or
// password-encrypted (encryptedData) — and their bags: private keys (keyBag, and the encrypted
// pkcs8ShroudedKeyBag) and X.509 certificates (certBag). Other bags (CRLs, secrets, nested
// safes) are skipped. The ASN.1 is read by @peculiar/asn1-schema and must be DER; cryptography is
// node:crypto's. The input may be hostile: sizes, counts and iteration counts are bounded
// (pkcs12-limits.ts), and any fault is a RolegateClientError.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { ContentInfo } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  id_certBag,
  id_keyBag,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
  PKCS8ShroudedKeyBag,
  type SafeBag,
  SafeContents,
} from '@peculiar/asn1-pfx';
import { RolegateClientError } from '../errors.ts';
import { EncryptedData, malformed, OID, octetsOf, Pfx, parseDer } from './pkcs12-asn1.ts';
import { type BundlePassword, decryptWithPassword } from './pkcs12-decrypt.ts';
import { PKCS12_LIMITS, RoundBudget } from './pkcs12-limits.ts';
import { verifyMac } from './pkcs12-mac.ts';

export interface Pkcs12Contents {
  /** DER certificates, in the order of the bundle. */
  readonly certificates: readonly Buffer[];
  readonly privateKeys: readonly KeyObject[];
}

/** The keys and certificates of a PKCS#12 bundle; `passphrase` undefined tries the empty one. */
export function readPkcs12(der: Uint8Array, passphrase: string | undefined): Pkcs12Contents {
  const budget = new RoundBudget();
  const pfx = parseDer(der, Pfx, 'the PFX');
  if (pfx.version !== 3) throw malformed(`PFX version ${pfx.version}, not 3`);
  if (pfx.authSafe.contentType !== OID.data) {
    throw new RolegateClientError(
      'client.certificate_invalid',
      `the bundle is protected by a public key (${pfx.authSafe.contentType}), not a password: this reader opens password bundles only`,
    );
  }
  const authSafe = octetsOf(pfx.authSafe.content, 'the authenticated safe');
  const password: BundlePassword =
    pfx.macData === undefined
      ? { text: passphrase ?? '' }
      : verifyMac(pfx.macData, authSafe, passphrase, budget);
  // Without a MAC nothing checks the bundle as a whole. When a passphrase is given the key must
  // then be one it decrypts: a plain key (and its certificate) could have been put in by anyone
  // who can write the file, and would be used without a word. OpenSSL's reader accepts such a
  // bundle (its CLI warns "MAC is absent"); Go's pkcs12, which AWS's helper uses, refuses it.
  const unauthenticated =
    pfx.macData === undefined && passphrase !== undefined && passphrase !== '';
  const safes = parseDer(authSafe, AuthenticatedSafe, 'the authenticated safe');
  if (safes.length > PKCS12_LIMITS.maxSafes) {
    throw malformed(`${safes.length} safes, more than ${PKCS12_LIMITS.maxSafes}`);
  }
  const bags: SafeBag[] = [];
  safes.forEach((safe, index) => {
    for (const bag of readSafe(safe, `safe ${index}`, password, budget)) {
      bags.push(bag);
      if (bags.length > PKCS12_LIMITS.maxBags)
        throw malformed(`more than ${PKCS12_LIMITS.maxBags} bags`);
    }
  });
  const certificates: Buffer[] = [];
  const privateKeys: KeyObject[] = [];
  bags.forEach((bag, index) => {
    const what = `bag ${index}`;
    if (bag.bagId === id_certBag) {
      const certificate = readCertBag(bag, what);
      if (certificate !== undefined) certificates.push(certificate);
    } else if (bag.bagId === id_keyBag) {
      if (unauthenticated) throw plainKeyWithoutMac();
      privateKeys.push(readPkcs8(Buffer.from(bag.bagValue), what));
    } else if (bag.bagId === id_pkcs8ShroudedKeyBag) {
      const shrouded = parseDer(bag.bagValue, PKCS8ShroudedKeyBag, `${what} (shrouded key)`);
      const plain = decryptWithPassword(
        shrouded.encryptionAlgorithm,
        new Uint8Array(shrouded.encryptedData.buffer),
        password,
        budget,
        `the private key in ${what}`,
      );
      privateKeys.push(openedWith(() => readPkcs8(plain, what)));
    }
  });
  return { certificates, privateKeys };
}

function readSafe(
  safe: ContentInfo,
  what: string,
  password: BundlePassword,
  budget: RoundBudget,
): SafeContents {
  if (safe.contentType === OID.data) {
    return parseDer(octetsOf(safe.content, what), SafeContents, `${what}'s bags`);
  }
  if (safe.contentType === OID.encryptedData) {
    const encrypted = parseDer(safe.content, EncryptedData, `${what} (encrypted)`);
    const info = encrypted.encryptedContentInfo;
    if (encrypted.version !== 0)
      throw malformed(`${what}: EncryptedData version ${encrypted.version}`);
    if (info.contentType !== OID.data) throw malformed(`${what}: encrypted ${info.contentType}`);
    const content = info.encryptedContent?.value;
    if (content === undefined) throw malformed(`${what}: no encrypted content`);
    const plain = decryptWithPassword(
      info.contentEncryptionAlgorithm,
      new Uint8Array(content.buffer),
      password,
      budget,
      `the certificates in ${what}`,
    );
    return openedWith(() => parseDer(plain, SafeContents, `${what}'s decrypted bags`));
  }
  throw new RolegateClientError(
    'client.certificate_invalid',
    safe.contentType === OID.envelopedData
      ? `${what} is encrypted to a public key (envelopedData): this reader opens password bundles only`
      : `${what} holds content of type ${safe.contentType}, not data or encryptedData`,
  );
}

/**
 * Reads what a password decrypted. CBC padding catches a wrong password only 255 times in 256;
 * the other time the plaintext is noise, so a plaintext that does not parse is the passphrase's
 * fault too (or a damaged file, which the MAC, when there is one, has already ruled out).
 */
function openedWith<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RolegateClientError && error.code === 'client.certificate_invalid') {
      throw new RolegateClientError(
        'client.passphrase_invalid',
        `the passphrase does not decrypt the bundle: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function plainKeyWithoutMac(): RolegateClientError {
  return new RolegateClientError(
    'client.certificate_invalid',
    'the bundle has no MAC and its private key is not encrypted, so nothing shows it is the bundle the passphrase was given for: re-export it with a MAC, or give no passphrase',
  );
}

/** The DER certificate of an X.509 certBag; undefined for other certificate types. */
function readCertBag(bag: SafeBag, what: string): Buffer | undefined {
  const certBag = parseDer(bag.bagValue, CertBag, `${what} (certificate)`);
  if (certBag.certId !== id_x509Certificate) return undefined;
  return octetsOf(certBag.certValue, `${what}'s certificate`);
}

function readPkcs8(der: Buffer, what: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw malformed(
      `${what} holds no readable private key (${(cause as { code?: string }).code ?? 'bad key'})`,
      cause,
    );
  }
}
