// X.509-SVID rules (SPIFFE X509-SVID standard §4–5). `claimedSpiffeId` runs before path
// validation, because the ID's trust domain decides which anchors the path must end at;
// `checkX509Svid` runs after it, for the SVID-only rules the general leaf rules leave out.
import { IdentityError } from '../errors.ts';
import { KEY_USAGE } from './cert-extensions.ts';
import type { ParsedCertificate } from './certificate.ts';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.ts';

// Any scheme that reads as spiffe in any case: such a certificate is meant as an SVID and is held
// to SVID rules, never treated as a plain certificate that happens to carry an odd URI.
const SPIFFE_SCHEME = /^spiffe:/i;

/**
 * The SPIFFE ID a leaf claims, or undefined when it names none (a plain certificate). A leaf that
 * names one must carry exactly one URI SAN, a valid workload ID.
 */
export function claimedSpiffeId(leaf: ParsedCertificate): SpiffeId | undefined {
  const uris = (leaf.extensions.subjectAltName?.names ?? []).flatMap((n) =>
    n.kind === 'uri' ? [n.value] : [],
  );
  if (!uris.some((u) => SPIFFE_SCHEME.test(u))) return undefined;
  if (uris.length !== 1)
    throw new IdentityError('spiffe.bad_svid', `${uris.length} URI SANs; an SVID has exactly one`);
  return parseSpiffeId(uris[0]!, { workload: true });
}

/** What an X.509-SVID leaf needs beyond the general leaf rules (cA, key usage bits, EKU). */
export function checkX509Svid(leaf: ParsedCertificate): void {
  const ku = leaf.extensions.keyUsage;
  if (ku === undefined || !ku.critical || (ku.flags & KEY_USAGE.digitalSignature) === 0)
    throw new IdentityError('spiffe.bad_svid', 'keyUsage must be critical with digitalSignature');
  if (leaf.extensions.basicConstraints?.ca)
    throw new IdentityError('spiffe.bad_svid', 'an SVID leaf is not a CA');
}
