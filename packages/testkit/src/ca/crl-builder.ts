// Certificate revocation lists (RFC 5280 §5) from a test authority: the serials it revokes, its
// update times, and — for hostile tests — another signing key, issuer name or extension.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  CertificateList,
  Extension,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509';
import {
  type CertSignatureAlgorithm,
  defaultSignatureAlgorithm,
  serialBytes,
  signWith,
} from './cert-builder.ts';
import type { CertExtension } from './extensions.ts';
import { type DistinguishedName, toAsnName } from './names.ts';
import { derToPem } from './pem.ts';
import { signatureAlgorithmIdentifier } from './signature-algorithms.ts';
import type { TestKey } from './test-key.ts';

export interface CrlOptions {
  /** Serials revoked. */
  readonly revoked?: readonly (bigint | Uint8Array)[];
  /** Default: `now` less 5 minutes. */
  readonly thisUpdate?: Date;
  /** Default: `thisUpdate` + 7 days; `null` leaves nextUpdate out. */
  readonly nextUpdate?: Date | null;
  readonly now?: Date;
  readonly signatureAlgorithm?: CertSignatureAlgorithm;
  /** Sign with another key than the authority's (a forged CRL). */
  readonly signingKey?: TestKey;
  /** Another issuer name than the authority's subject. */
  readonly issuer?: DistinguishedName;
  readonly extensions?: readonly CertExtension[];
}

export interface TestCrl {
  readonly der: Uint8Array;
  readonly pem: string;
}

export function buildCrl(
  authority: { readonly subject: DistinguishedName; readonly key: TestKey },
  options: CrlOptions = {},
): TestCrl {
  const now = options.now ?? new Date();
  const thisUpdate = options.thisUpdate ?? new Date(now.getTime() - 5 * 60_000);
  const key = options.signingKey ?? authority.key;
  const algorithm = options.signatureAlgorithm ?? defaultSignatureAlgorithm(key.privateKey);
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithmIdentifier(algorithm),
    issuer: toAsnName(options.issuer ?? authority.subject),
    thisUpdate: new Time(thisUpdate),
  });
  if (options.nextUpdate !== null) {
    tbs.nextUpdate = new Time(
      options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000),
    );
  }
  const revoked = options.revoked ?? [];
  if (revoked.length > 0) {
    tbs.revokedCertificates = revoked.map(
      (serial) =>
        new RevokedCertificate({
          userCertificate: serialBytes(serial),
          revocationDate: new Time(thisUpdate),
        }),
    );
  }
  if (options.extensions && options.extensions.length > 0) {
    tbs.crlExtensions = options.extensions.map(
      (e) =>
        new Extension({ extnID: e.oid, critical: e.critical, extnValue: new OctetString(e.value) }),
    );
  }
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const crl = new CertificateList({
    tbsCertList: tbs,
    signatureAlgorithm: signatureAlgorithmIdentifier(algorithm),
    signature: signWith(algorithm, key.privateKey, tbsDer),
  });
  const der = new Uint8Array(AsnConvert.serialize(crl));
  return Object.freeze({ der, pem: derToPem(der, 'X509 CRL') });
}
