// Builds certification paths from the leaf to a trust anchor by signature, not by position: the
// certificates after the leaf may come in any order, repeat the leaf or include the root, and
// carry unrelated extras. A step from a certificate to its issuer needs the issuer's subject to
// equal the certificate's issuer name (byte for byte) and the signature to verify with an allowed
// algorithm. Depth, the number of paths and the number of signature checks are all bounded, and a
// certificate never appears twice in a path, so hostile chains (cycles, fans) end quickly.
import { IdentityError } from '../errors.ts';
import { keyKind, signatureAlgorithm, verifySignature } from './algorithms.ts';
import type { ParsedCertificate } from './certificate.ts';
import { sameBytes } from './names.ts';

export interface PathSearch {
  readonly leaf: ParsedCertificate;
  /** The certificates presented after the leaf, in any order. */
  readonly presented: readonly ParsedCertificate[];
  readonly anchors: readonly ParsedCertificate[];
  /** Most certificates in one path, leaf and anchor included. */
  readonly maxLength: number;
}

export interface PathSearchResult {
  /** Candidate paths, leaf first and anchor last, shortest first. */
  readonly paths: readonly (readonly ParsedCertificate[])[];
  /** Why a step whose names matched was refused (a SHA-1 signature, a weak key), if one was. */
  readonly stepError: IdentityError | undefined;
}

const MAX_PATHS = 8;
const MAX_SIGNATURE_CHECKS = 32;

export function findPaths(search: PathSearch): PathSearchResult {
  const anchors = new Map(search.anchors.map((a) => [a.fingerprint, a]));
  const pool = new Map<string, ParsedCertificate>();
  for (const cert of search.presented) {
    // A repeated leaf or a root sent along is tolerated, never treated as another intermediate.
    if (cert.fingerprint !== search.leaf.fingerprint && !anchors.has(cert.fingerprint))
      pool.set(cert.fingerprint, cert);
  }
  const candidates = [...anchors.values(), ...pool.values()];
  const paths: ParsedCertificate[][] = [];
  const verified = new Map<string, boolean>();
  let checks = 0;
  let stepError: IdentityError | undefined;

  const issued = (child: ParsedCertificate, parent: ParsedCertificate): boolean => {
    if (!sameBytes(child.issuer.der, parent.subject.der)) return false;
    const memo = `${child.fingerprint}:${parent.fingerprint}`;
    const known = verified.get(memo);
    if (known !== undefined) return known;
    let ok = false;
    try {
      const algorithm = signatureAlgorithm(child.asn.signatureAlgorithm);
      if (parent.publicKey === undefined || keyKind(parent.publicKey) === undefined)
        throw new IdentityError('cert.unsupported_key', 'issuer key');
      if (++checks > MAX_SIGNATURE_CHECKS) return false;
      ok = verifySignature(algorithm, parent.publicKey, child.tbs, child.signature);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      stepError ??= error;
    }
    verified.set(memo, ok);
    return ok;
  };

  const extend = (path: ParsedCertificate[]) => {
    const current = path.at(-1)!;
    for (const candidate of candidates) {
      if (paths.length >= MAX_PATHS) return;
      if (path.some((c) => c.fingerprint === candidate.fingerprint)) continue;
      if (!issued(current, candidate)) continue;
      if (anchors.has(candidate.fingerprint)) paths.push([...path, candidate]);
      else if (path.length + 2 <= search.maxLength) extend([...path, candidate]);
    }
  };
  extend([search.leaf]);
  paths.sort((a, b) => a.length - b.length);
  return { paths, stepError };
}
