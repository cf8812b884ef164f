// Path validation (docs/specs/x509.md §2): build candidate paths by signature, then hold each to the
// rules — every certificate, every issuing CA, the leaf, name constraints, revocation — and take
// the first that passes. When none does, the first candidate's failure is the answer; with no
// candidate at all, the certificate is untrusted.
import { IdentityError } from '../errors.ts';
import {
  type Clock,
  checkAnyCertificate,
  checkIssuingCa,
  checkLeaf,
  isSelfIssued,
} from './cert-rules.ts';
import type { ParsedCertificate } from './certificate.ts';
import type { CrlSet } from './crl.ts';
import { checkNameConstraints } from './name-constraints.ts';
import { findPaths } from './path-builder.ts';

export interface ChainInput {
  readonly leaf: ParsedCertificate;
  /** Certificates presented after the leaf (x5c[1…]), in any order. */
  readonly presented: readonly ParsedCertificate[];
  readonly anchors: readonly ParsedCertificate[];
  /** The CRLs that apply to a path ending at `anchor` (its trust source's). */
  readonly crlsFor: (anchor: ParsedCertificate) => CrlSet;
  readonly clock: Clock;
  /** Most certificates in a path, anchor included. */
  readonly maxLength: number;
}

export interface VerifiedChain {
  /** Leaf first, trust anchor last. */
  readonly path: readonly ParsedCertificate[];
  readonly anchor: ParsedCertificate;
}

export function verifyChain(input: ChainInput): VerifiedChain {
  const { paths, stepError } = findPaths({
    leaf: input.leaf,
    presented: input.presented,
    anchors: input.anchors,
    maxLength: input.maxLength,
  });
  if (paths.length === 0) {
    throw stepError ?? new IdentityError('cert.untrusted', 'no path to a trust anchor');
  }
  let first: unknown;
  for (const path of paths) {
    try {
      checkPath(path, input);
      return { path, anchor: path.at(-1)! };
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      first ??= error;
    }
  }
  throw first;
}

function checkPath(path: readonly ParsedCertificate[], input: ChainInput): void {
  for (const cert of path) checkAnyCertificate(cert, input.clock);
  let below = 0;
  for (let i = 1; i < path.length; i++) {
    checkIssuingCa(path[i]!, below);
    if (!isSelfIssued(path[i]!)) below++;
  }
  checkLeaf(path[0]!);
  checkNameConstraints(path);
  input.crlsFor(path.at(-1)!).check(path, input.clock);
}
