// The per-certificate rules of docs/specs/x509.md §2: what every certificate of a path must satisfy,
// what an issuing CA (trust anchor included) must satisfy, and what the leaf must satisfy.
import { IdentityError } from '../errors.ts';
import { keyKind } from './algorithms.ts';
import { CLIENT_AUTH, KEY_USAGE, UNDERSTOOD_EXTENSIONS } from './cert-extensions.ts';
import { type ParsedCertificate, serialIsValid } from './certificate.ts';
import { describeName } from './names.ts';

export interface Clock {
  readonly nowMs: number;
  /** Tolerance for clocks that disagree, applied to both ends of the validity period. */
  readonly skewMs: number;
}

const who = (cert: ParsedCertificate) =>
  `${describeName(cert.subject)} (${cert.fingerprint.slice(0, 16)})`;

/** Every certificate in the path: serial, key, critical extensions, validity now. */
export function checkAnyCertificate(cert: ParsedCertificate, clock: Clock): void {
  if (!serialIsValid(cert.serial)) throw new IdentityError('cert.bad_serial', who(cert));
  if (cert.publicKey === undefined || keyKind(cert.publicKey) === undefined)
    throw new IdentityError('cert.unsupported_key', who(cert));
  const unknown = cert.extensions.all.find((e) => e.critical && !UNDERSTOOD_EXTENSIONS.has(e.oid));
  if (unknown) {
    throw new IdentityError('cert.unknown_critical_extension', `${unknown.oid} in ${who(cert)}`);
  }
  if (clock.nowMs + clock.skewMs < cert.notBeforeMs)
    throw new IdentityError('cert.not_yet_valid', who(cert));
  if (clock.nowMs - clock.skewMs > cert.notAfterMs)
    throw new IdentityError('cert.expired', who(cert));
}

/**
 * A certificate that issued the one below it (an intermediate or the trust anchor). `below` is
 * the number of non-self-issued intermediates between it and the leaf, which its
 * pathLenConstraint bounds (RFC 5280 §4.2.1.9).
 */
export function checkIssuingCa(cert: ParsedCertificate, below: number): void {
  const bc = cert.extensions.basicConstraints;
  if (bc === undefined || !bc.ca) throw new IdentityError('cert.not_a_ca', who(cert));
  const ku = cert.extensions.keyUsage;
  // A CA without keyUsage may sign anything under RFC 5280; rolegate asks for the explicit bit.
  if (ku === undefined || (ku.flags & KEY_USAGE.keyCertSign) === 0)
    throw new IdentityError('cert.bad_ca_key_usage', who(cert));
  if (bc.pathLen !== undefined && below > bc.pathLen) {
    throw new IdentityError(
      'cert.path_length_exceeded',
      `${who(cert)}: pathLen ${bc.pathLen}, ${below} below`,
    );
  }
}

/** The end-entity certificate whose key signed the login. */
export function checkLeaf(cert: ParsedCertificate): void {
  if (cert.version !== 3) throw new IdentityError('cert.bad_version', who(cert));
  const { basicConstraints, keyUsage, extKeyUsage, subjectAltName } = cert.extensions;
  if (basicConstraints?.ca) throw new IdentityError('cert.leaf_is_ca', who(cert));
  const flags = keyUsage?.flags ?? 0;
  if (
    (flags & KEY_USAGE.digitalSignature) === 0 ||
    (flags & (KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign)) !== 0
  ) {
    throw new IdentityError('cert.bad_leaf_key_usage', who(cert));
  }
  if (extKeyUsage !== undefined && !extKeyUsage.includes(CLIENT_AUTH))
    throw new IdentityError('cert.bad_extended_key_usage', who(cert));
  // RFC 5280 §4.1.2.6: with an empty subject the identity is in the SAN, which must be critical.
  if (cert.subject.rdns.length === 0 && !subjectAltName?.critical)
    throw new IdentityError('cert.empty_subject', who(cert));
}

/** Self-issued: subject and issuer are the same name (a root, or a CA re-keying itself). */
export function isSelfIssued(cert: ParsedCertificate): boolean {
  return Buffer.compare(cert.subject.der, cert.issuer.der) === 0;
}
