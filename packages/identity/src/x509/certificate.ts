// Strict parsing of one X.509 certificate from DER. @peculiar/asn1-x509 reads the structure; the
// certificate is accepted only if re-encoding it gives back exactly the input, which refuses
// trailing bytes, BER-only encodings and anything the parser silently skipped. Node's own parser
// accepts trailing bytes, so it is not used to decide what a certificate says.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Version } from '@peculiar/asn1-x509';
import { IdentityError } from '../errors.ts';
import { type CertificateExtensions, decodeExtensions, strict } from './cert-extensions.ts';
import { type ParsedName, readName, sameBytes } from './names.ts';

/** Larger certificates are refused before parsing (real ones are 0.5–2 KiB). */
export const MAX_CERTIFICATE_BYTES = 8 * 1024;

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** SHA-256 of the DER, hex: identity of this exact certificate. */
  readonly fingerprint: string;
  readonly version: 1 | 2 | 3;
  /** The serialNumber INTEGER's content bytes, as encoded (sign bit included). */
  readonly serial: Uint8Array;
  readonly issuer: ParsedName;
  readonly subject: ParsedName;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly publicKey: KeyObject | undefined;
  readonly extensions: CertificateExtensions;
  /** What the issuer signed: the tbsCertificate DER. */
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  readonly asn: Certificate;
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const malformed = (why: string) => new IdentityError('cert.malformed', why);
  if (der.length === 0 || der.length > MAX_CERTIFICATE_BYTES)
    throw malformed(`${der.length} bytes`);
  let asn: Certificate;
  try {
    asn = strict(der, Certificate);
  } catch (cause) {
    throw malformed(`not DER X.509: ${(cause as Error).message}`);
  }
  const tbs = asn.tbsCertificate;
  if (!tbs || !asn.tbsCertificateRaw) throw malformed('no tbsCertificate');
  // RFC 5280 §4.1.1.2: the two copies of the algorithm must be identical, or a verifier could be
  // made to check the signature one way while another reads it another way.
  if (!sameBytes(algorithmDer(tbs.signature), algorithmDer(asn.signatureAlgorithm)))
    throw malformed('signature algorithm differs inside and outside tbsCertificate');
  const version = tbs.version === Version.v3 ? 3 : tbs.version === Version.v2 ? 2 : 1;
  if (tbs.version > Version.v3) throw malformed(`version ${tbs.version}`);
  if (tbs.extensions !== undefined && version !== 3) throw malformed('extensions before v3');
  if (tbs.issuerUniqueID !== undefined || tbs.subjectUniqueID !== undefined)
    throw malformed('unique identifiers');
  let extensions: CertificateExtensions;
  try {
    extensions = decodeExtensions(tbs.extensions);
  } catch (cause) {
    throw malformed((cause as Error).message);
  }
  return Object.freeze({
    der,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    version,
    serial: new Uint8Array(tbs.serialNumber),
    issuer: readName(tbs.issuer),
    subject: readName(tbs.subject),
    notBeforeMs: tbs.validity.notBefore.getTime().getTime(),
    notAfterMs: tbs.validity.notAfter.getTime().getTime(),
    publicKey: publicKeyOf(tbs.subjectPublicKeyInfo),
    extensions,
    tbs: new Uint8Array(asn.tbsCertificateRaw),
    signature: new Uint8Array(asn.signatureValue),
    asn,
  });
}

function algorithmDer(id: unknown): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(id));
}

// Undefined when node:crypto cannot read the key: the key rules refuse it with a stable code.
function publicKeyOf(spki: unknown): KeyObject | undefined {
  try {
    return createPublicKey({
      key: Buffer.from(AsnConvert.serialize(spki)),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined;
  }
}

/** Lower-case hex of a positive serial, even length, no superfluous leading zero octet. */
export function serialHex(serial: Uint8Array): string {
  let bytes = serial;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return Buffer.from(bytes).toString('hex');
}

/** Positive, and at most 20 octets once its sign octet is set aside (RFC 5280 §4.1.2.2). */
export function serialIsValid(serial: Uint8Array): boolean {
  if (serial.length === 0 || (serial[0]! & 0x80) !== 0) return false; // empty or negative
  const magnitude = serial[0] === 0 ? serial.subarray(1) : serial;
  return magnitude.some((b) => b !== 0) && magnitude.length <= 20;
}
