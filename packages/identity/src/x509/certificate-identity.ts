// From a leaf certificate (whose key has already proved possession) to a principal: pick the
// anchors — those of the trust domain the leaf's SPIFFE ID names, or the plain trust anchors for a
// certificate without one —, validate the path, apply the SVID rules, find the profile of the
// trust source the path ends at, and map the tags.
import { IdentityError } from '../errors.ts';
import type { Clock } from './cert-rules.ts';
import type { ParsedCertificate } from './certificate.ts';
import { type CertificatePrincipal, principalFromCertificate } from './certificate-principal.ts';
import type { Profiles } from './profiles.ts';
import { checkX509Svid, claimedSpiffeId } from './svid.ts';
import { certificateTags, type DroppedTag } from './tags.ts';
import type { TrustSource } from './trust-source.ts';
import type { TrustStore } from './trust-store.ts';
import { verifyChain } from './verify-chain.ts';

/** Leaf + 4 intermediates + anchor: x5c holds at most 5, and the anchor may be among them. */
export const MAX_PATH_LENGTH = 6;

export interface CertificateIdentity {
  readonly principal: CertificatePrincipal;
  readonly droppedTags: readonly DroppedTag[];
  /** Leaf first, anchor last. */
  readonly path: readonly ParsedCertificate[];
}

export function identifyCertificate(input: {
  readonly leaf: ParsedCertificate;
  readonly presented: readonly ParsedCertificate[];
  readonly store: TrustStore;
  readonly profiles: Profiles;
  readonly clock: Clock;
}): CertificateIdentity {
  const { leaf, store } = input;
  // Before anything is read from it: a v1 or v2 leaf has no extensions to name its identity by.
  if (leaf.version !== 3) throw new IdentityError('cert.bad_version', 'leaf');
  const spiffeId = claimedSpiffeId(leaf);
  let sources: TrustSource[];
  if (spiffeId !== undefined) {
    // The path must end at an anchor of the ID's own trust domain: a CA of another domain (or a
    // plain anchor) cannot vouch for this ID, whatever else it may sign.
    const domain = store.trustDomain(spiffeId.trustDomain);
    if (domain === undefined)
      throw new IdentityError('spiffe.unknown_trust_domain', spiffeId.trustDomain);
    sources = [domain];
  } else {
    sources = store.trustAnchors();
  }
  // An anchor listed by two sources belongs to the first, in configuration order.
  const sourceOf = new Map<string, TrustSource>();
  for (const source of sources)
    for (const anchor of source.anchors)
      if (!sourceOf.has(anchor.fingerprint)) sourceOf.set(anchor.fingerprint, source);
  const { path, anchor } = verifyChain({
    leaf,
    presented: input.presented,
    anchors: sources.flatMap((s) => s.anchors),
    crlsFor: (a) => sourceOf.get(a.fingerprint)!.crls,
    clock: input.clock,
    maxLength: MAX_PATH_LENGTH,
  });
  if (spiffeId !== undefined) checkX509Svid(leaf);
  const source = sourceOf.get(anchor.fingerprint)!;
  const profile = input.profiles.for(source.kind, source.name);
  if (profile === undefined)
    throw new IdentityError('profile.not_found', `${source.kind} ${source.name}`);
  const { tags, dropped } = certificateTags(leaf);
  return {
    principal: principalFromCertificate({ profile, path, tags, spiffeId: spiffeId?.id }),
    droppedTags: dropped,
    path,
  };
}
