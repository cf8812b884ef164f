// Builds any X.509 certificate — valid, or broken in exactly one chosen way — from asn1-x509
// structures, and signs it with node:crypto. Going below @peculiar/x509's generator is what lets a
// test pick a SHA-1 or MD5 signature, a zero or negative serial, version 1, or an outer signature
// algorithm that disagrees with the inner one.
import { constants, type KeyObject, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Certificate,
  Extension,
  Extensions,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import type { CertExtension } from './extensions.ts';
import { type DistinguishedName, toAsnName } from './names.ts';
import { signatureAlgorithmIdentifier } from './signature-algorithms.ts';

export type CertSignatureAlgorithm =
  | 'ecdsa-sha256'
  | 'ecdsa-sha384'
  | 'ecdsa-sha512'
  | 'ecdsa-sha1'
  | 'rsa-sha256'
  | 'rsa-sha384'
  | 'rsa-sha512'
  | 'rsa-sha1'
  | 'rsa-md5'
  | 'rsa-pss-sha256'
  | 'rsa-pss-sha384'
  | 'rsa-pss-sha512'
  | 'ed25519';

export interface CertificateSpec {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** The subject's public key, SubjectPublicKeyInfo DER. */
  readonly publicKey: Uint8Array;
  /** The issuer's private key. */
  readonly signingKey: KeyObject;
  /** A positive number, or the INTEGER's content bytes as they should appear (zero, negative…). */
  readonly serial: bigint | Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Default 3. Version 1 certificates carry no extensions. */
  readonly version?: 1 | 2 | 3;
  /** Default: SHA-256 with the signing key's algorithm (ECDSA by curve size, RSA PKCS#1). */
  readonly signatureAlgorithm?: CertSignatureAlgorithm;
  /** The outer signatureAlgorithm, when it must disagree with the one inside tbsCertificate. */
  readonly outerSignatureAlgorithm?: CertSignatureAlgorithm;
  readonly extensions?: readonly CertExtension[];
}

/** The certificate, DER. */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const algorithm = spec.signatureAlgorithm ?? defaultSignatureAlgorithm(spec.signingKey);
  const version = spec.version ?? 3;
  const tbs = new TBSCertificate({
    version: version === 3 ? Version.v3 : version === 2 ? Version.v2 : Version.v1,
    serialNumber: serialBytes(spec.serial),
    signature: signatureAlgorithmIdentifier(algorithm),
    issuer: toAsnName(spec.issuer),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: toAsnName(spec.subject),
    subjectPublicKeyInfo: AsnConvert.parse(spec.publicKey, SubjectPublicKeyInfo),
  });
  if (spec.extensions !== undefined && spec.extensions.length > 0) {
    tbs.extensions = new Extensions(
      spec.extensions.map(
        (e) =>
          new Extension({
            extnID: e.oid,
            critical: e.critical,
            extnValue: new OctetString(e.value),
          }),
      ),
    );
  }
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const outer = spec.outerSignatureAlgorithm ?? algorithm;
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: signatureAlgorithmIdentifier(outer),
    signatureValue: signWith(algorithm, spec.signingKey, tbsDer),
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}

export function defaultSignatureAlgorithm(key: KeyObject): CertSignatureAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa-sha256';
    case 'ed25519':
      return 'ed25519';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1'
        ? 'ecdsa-sha384'
        : curve === 'secp521r1'
          ? 'ecdsa-sha512'
          : 'ecdsa-sha256';
    }
    default:
      throw new TypeError(`cannot sign certificates with a ${key.asymmetricKeyType} key`);
  }
}

/** Signs `data` the way `algorithm` says, with the signature encoding certificates use. */
export function signWith(
  algorithm: CertSignatureAlgorithm,
  key: KeyObject,
  data: Uint8Array,
): ArrayBuffer {
  const [family, a, b] = algorithm.split('-') as [string, string, string | undefined];
  let signature: Buffer;
  if (family === 'ed25519') signature = sign(null, data, key);
  else if (family === 'rsa' && a === 'pss') {
    const saltLength = Number(b!.slice(3)) / 8;
    signature = sign(b!, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  } else signature = sign(a, data, key);
  return new Uint8Array(signature).buffer;
}

/** Two's-complement INTEGER content of a positive serial (a leading 0x00 when the top bit is set). */
export function serialBytes(serial: bigint | Uint8Array): ArrayBuffer {
  if (serial instanceof Uint8Array) return new Uint8Array(serial).buffer;
  if (serial <= 0n) throw new TypeError('pass zero or negative serials as bytes');
  let hex = serial.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex')).buffer;
}
