// AlgorithmIdentifiers for certificate and CRL signatures (RFC 3279, RFC 4055, RFC 5758, RFC 8410),
// including the weak ones a verifier must refuse.

import { id_mgf1, id_RSASSA_PSS, RsaSaPssParams, sha256, sha384, sha512 } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { CertSignatureAlgorithm } from './cert-builder.ts';

const PLAIN: Partial<Record<CertSignatureAlgorithm, { oid: string; nullParams: boolean }>> = {
  'ecdsa-sha1': { oid: '1.2.840.10045.4.1', nullParams: false },
  'ecdsa-sha256': { oid: '1.2.840.10045.4.3.2', nullParams: false },
  'ecdsa-sha384': { oid: '1.2.840.10045.4.3.3', nullParams: false },
  'ecdsa-sha512': { oid: '1.2.840.10045.4.3.4', nullParams: false },
  'rsa-md5': { oid: '1.2.840.113549.1.1.4', nullParams: true },
  'rsa-sha1': { oid: '1.2.840.113549.1.1.5', nullParams: true },
  'rsa-sha256': { oid: '1.2.840.113549.1.1.11', nullParams: true },
  'rsa-sha384': { oid: '1.2.840.113549.1.1.12', nullParams: true },
  'rsa-sha512': { oid: '1.2.840.113549.1.1.13', nullParams: true },
  ed25519: { oid: '1.3.101.112', nullParams: false },
};

const PSS_HASHES = { 'rsa-pss-sha256': sha256, 'rsa-pss-sha384': sha384, 'rsa-pss-sha512': sha512 };
const SALT_LENGTHS = { 'rsa-pss-sha256': 32, 'rsa-pss-sha384': 48, 'rsa-pss-sha512': 64 };

export function signatureAlgorithmIdentifier(
  algorithm: CertSignatureAlgorithm,
): AlgorithmIdentifier {
  const plain = PLAIN[algorithm];
  if (plain !== undefined) {
    // RSA PKCS#1 identifiers carry an explicit NULL; ECDSA and EdDSA ones carry nothing.
    return plain.nullParams
      ? new AlgorithmIdentifier({ algorithm: plain.oid, parameters: null })
      : new AlgorithmIdentifier({ algorithm: plain.oid });
  }
  const pss = algorithm as keyof typeof PSS_HASHES;
  const hash = PSS_HASHES[pss];
  if (hash === undefined) throw new TypeError(`unknown signature algorithm ${algorithm}`);
  const params = new RsaSaPssParams({
    hashAlgorithm: hash,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: id_mgf1,
      parameters: AsnConvert.serialize(hash),
    }),
    saltLength: SALT_LENGTHS[pss],
  });
  return new AlgorithmIdentifier({
    algorithm: id_RSASSA_PSS,
    parameters: AsnConvert.serialize(params),
  });
}
