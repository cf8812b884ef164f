// The ASN.1 a PKCS#12 reader needs beyond @peculiar/asn1-pfx and asn1-cms — CMS EncryptedData
// (RFC 5652 §8) and the parameters of the password-based schemes (RFC 8018 A.2 and A.4, RFC 7292
// appendix C) — declared with @peculiar/asn1-schema (its decorators applied as plain calls: this
// repository compiles without decorator syntax), and one strict parse: a value is accepted only if
// it encodes back to exactly its input, which refuses BER-only forms, trailing bytes and anything
// the parser skipped.

import { ContentInfo, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { MacData } from '@peculiar/asn1-pfx';
import { AsnConvert, AsnParser, AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RolegateClientError } from '../errors.ts';

/**
 * PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo, macData MacData OPTIONAL }. Declared
 * here rather than taken from @peculiar/asn1-pfx, whose PFX fills an absent macData with an
 * empty one — a bundle without a MAC would read as one with a MAC that fails.
 */
export class Pfx {
  version = 0;
  authSafe = new ContentInfo();
  macData?: MacData;
}
AsnProp({ type: AsnPropTypes.Integer })(Pfx.prototype, 'version');
AsnProp({ type: ContentInfo })(Pfx.prototype, 'authSafe');
AsnProp({ type: MacData, optional: true })(Pfx.prototype, 'macData');

/** EncryptedData ::= SEQUENCE { version CMSVersion, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL } */
export class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnProp({ type: AsnPropTypes.Integer })(EncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(EncryptedData.prototype, 'encryptedContentInfo');

/** PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier } */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');

/**
 * PBKDF2-params ::= SEQUENCE { salt OCTET STRING (the "otherSource" choice is not read),
 * iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
 */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0;
  keyLength?: number;
  prf?: AlgorithmIdentifier;
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, 'keyLength');
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, 'prf');

/** pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0;
}
AsnProp({ type: OctetString })(Pkcs12PbeParams.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pkcs12PbeParams.prototype, 'iterations');

/** Object identifiers read here, by the names the RFCs give them. */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  envelopedData: '1.2.840.113549.1.7.3',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeWithSHAAnd3KeyTripleDESCBC: '1.2.840.113549.1.12.1.3',
} as const;

/** `type` parsed from `der`, which must be its exact DER encoding; else certificate_invalid. */
export function parseDer<T>(der: Uint8Array | ArrayBuffer, type: new () => T, what: string): T {
  const bytes = new Uint8Array(der);
  let parsed: T;
  try {
    parsed = AsnParser.parse(bytes, type);
  } catch (cause) {
    throw malformed(`${what} cannot be parsed (${(cause as Error).message})`, cause);
  }
  let again: Uint8Array;
  try {
    again = new Uint8Array(AsnConvert.serialize(parsed));
  } catch (cause) {
    throw malformed(`${what} cannot be parsed (${(cause as Error).message})`, cause);
  }
  if (!Buffer.from(again).equals(Buffer.from(bytes))) {
    throw malformed(`${what} is not DER (BER or trailing bytes)`);
  }
  return parsed;
}

/** The content octets of a DER OCTET STRING. */
export function octetsOf(der: ArrayBuffer, what: string): Buffer {
  return Buffer.from(parseDer(der, OctetString, what).buffer);
}

export function malformed(why: string, cause?: unknown): RolegateClientError {
  return new RolegateClientError(
    'client.certificate_invalid',
    `not a valid PKCS#12 bundle: ${why}`,
    {
      cause,
    },
  );
}
