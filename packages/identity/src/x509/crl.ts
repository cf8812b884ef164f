// Certificate revocation lists configured per trust source (static files, reloaded when they
// change). A CRL speaks for the CA whose subject is its issuer and whose key verifies it; for each
// certificate of a path, every CRL of that certificate's issuer must verify, be current
// (thisUpdate ≤ now ≤ nextUpdate, with skew), and not list the serial. A CRL that does not verify
// or is out of date makes the answer unknown, and the login is refused with a 503 (fail closed).
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { IdentityError } from '../errors.ts';
import { signatureAlgorithm, verifySignature } from './algorithms.ts';
import { KEY_USAGE, strict } from './cert-extensions.ts';
import type { Clock } from './cert-rules.ts';
import { type ParsedCertificate, serialHex } from './certificate.ts';
import { describeName, type ParsedName, readName, sameBytes, sameName } from './names.ts';

export interface ParsedCrl {
  readonly fingerprint: string;
  readonly issuer: ParsedName;
  readonly thisUpdateMs: number;
  readonly nextUpdateMs: number;
  /** Revoked serials, as {@link serialHex} spells them. */
  readonly revoked: ReadonlySet<string>;
  readonly asn: CertificateList;
}

/** Throws an Error naming the problem: CRLs are configuration, read at start and on reload. */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const asn = strict(der, CertificateList);
  const tbs = asn.tbsCertList;
  if (!asn.tbsCertListRaw) throw new Error('no tbsCertList');
  // As for certificates: the algorithm inside what is signed and the one outside must agree.
  if (
    tbs.signature === undefined ||
    !sameBytes(
      new Uint8Array(AsnConvert.serialize(tbs.signature)),
      new Uint8Array(AsnConvert.serialize(asn.signatureAlgorithm)),
    )
  )
    throw new Error('signature algorithm differs inside and outside tbsCertList');
  if (tbs.nextUpdate === undefined) throw new Error('a CRL without nextUpdate cannot go stale');
  // Delta CRLs, partitioned CRLs (issuingDistributionPoint) and indirect CRLs (certificateIssuer)
  // change what a CRL covers; rolegate does not implement them, so it refuses them when critical.
  const critical = (tbs.crlExtensions ?? []).find((e) => e.critical);
  if (critical) throw new Error(`critical CRL extension ${critical.extnID} is not supported`);
  const revoked = new Set<string>();
  for (const entry of tbs.revokedCertificates ?? []) {
    const entryCritical = (entry.crlEntryExtensions ?? []).find((e) => e.critical);
    if (entryCritical)
      throw new Error(`critical CRL entry extension ${entryCritical.extnID} is not supported`);
    revoked.add(serialHex(new Uint8Array(entry.userCertificate)));
  }
  return Object.freeze({
    fingerprint: createHash('sha256').update(der).digest('hex'),
    issuer: readName(tbs.issuer),
    thisUpdateMs: tbs.thisUpdate.getTime().getTime(),
    nextUpdateMs: tbs.nextUpdate.getTime().getTime(),
    revoked,
    asn,
  });
}

export class CrlSet {
  readonly #crls: readonly ParsedCrl[];
  readonly #verified = new Map<string, boolean>();

  constructor(crls: readonly ParsedCrl[]) {
    this.#crls = crls;
  }

  get size(): number {
    return this.#crls.length;
  }

  /**
   * The CRLs whose issuer name is `subject`'s, compared as names (RFC 5280 §7.1), not as bytes: a
   * CRL whose issuer is spelled in another case or string type still applies — an exact-bytes
   * match would silently ignore it and let what it revokes through. Its signature decides.
   */
  issuedBy(subject: ParsedName): ParsedCrl[] {
    return this.#crls.filter((crl) => sameName(crl.issuer, subject));
  }

  /** Whether `crl` is signed by `issuer`'s key with an allowed algorithm (memoised). */
  verifiedBy(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
    const memo = `${crl.fingerprint}:${issuer.fingerprint}`;
    let ok = this.#verified.get(memo);
    if (ok === undefined) {
      try {
        // RFC 5280 §6.3.3: the CA must be allowed to sign CRLs, not only certificates.
        const mayCrlSign = ((issuer.extensions.keyUsage?.flags ?? 0) & KEY_USAGE.cRLSign) !== 0;
        ok =
          mayCrlSign &&
          issuer.publicKey !== undefined &&
          verifySignature(
            signatureAlgorithm(crl.asn.signatureAlgorithm),
            issuer.publicKey,
            new Uint8Array(crl.asn.tbsCertListRaw!),
            new Uint8Array(crl.asn.signature),
          );
      } catch {
        ok = false;
      }
      this.#verified.set(memo, ok);
    }
    return ok;
  }

  /** `path[0]` is the leaf, the last element the trust anchor (which no CRL can revoke). */
  check(path: readonly ParsedCertificate[], clock: Clock): void {
    for (let i = 0; i + 1 < path.length; i++) {
      const cert = path[i]!;
      const issuer = path[i + 1]!;
      for (const crl of this.issuedBy(issuer.subject)) {
        const name = describeName(issuer.subject);
        if (!this.verifiedBy(crl, issuer)) {
          throw new IdentityError('cert.revocation_unknown', `CRL of ${name} does not verify`, {
            retryAfterSeconds: 60,
          });
        }
        if (
          clock.nowMs + clock.skewMs < crl.thisUpdateMs ||
          clock.nowMs - clock.skewMs > crl.nextUpdateMs
        ) {
          throw new IdentityError('cert.revocation_unknown', `CRL of ${name} is not current`, {
            retryAfterSeconds: 60,
          });
        }
        if (crl.revoked.has(serialHex(cert.serial))) {
          throw new IdentityError(
            'cert.revoked',
            `serial ${serialHex(cert.serial)} revoked by ${name}`,
          );
        }
      }
    }
  }
}
