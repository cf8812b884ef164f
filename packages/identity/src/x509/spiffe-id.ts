// SPIFFE IDs (SPIFFE-ID standard §2): `spiffe://<trust domain><path>`, read by hand-written rules
// rather than a URL parser, because URL parsers normalise (case, dot segments, percent-encoding)
// and a normalised ID is another ID.
import { IdentityError } from '../errors.ts';

export interface SpiffeId {
  readonly trustDomain: string;
  /** `''` for the trust domain itself, else `/segment[/segment…]`. */
  readonly path: string;
  /** The ID as written (which, once valid, is its only spelling). */
  readonly id: string;
}

const PREFIX = 'spiffe://';
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const SEGMENT = /^[A-Za-z0-9._-]+$/;
const MAX_BYTES = 2048;

/** Parses an ID; `workload` also refuses the trust domain's own ID (no path). */
export function parseSpiffeId(text: string, options: { workload?: boolean } = {}): SpiffeId {
  const bad = (why: string) => new IdentityError('spiffe.bad_id', why);
  if (Buffer.byteLength(text) > MAX_BYTES) throw bad('longer than 2048 bytes');
  if (!text.startsWith(PREFIX)) throw bad('not spiffe://');
  const rest = text.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  // Lower-case letters, digits, dot, dash, underscore: no port, userinfo, upper case or IP literal.
  if (!TRUST_DOMAIN.test(trustDomain)) throw bad('trust domain');
  if (path !== '') {
    const segments = path.slice(1).split('/');
    for (const segment of segments) {
      // Empty segments also catch a trailing slash; the character set excludes %, ?, # and :.
      if (!SEGMENT.test(segment) || segment === '.' || segment === '..') throw bad('path segment');
    }
  }
  if (options.workload && path === '') throw bad('a workload ID needs a path');
  return Object.freeze({ trustDomain, path, id: text });
}

/** A trust domain name as configured: the same rules as inside an ID. */
export function isTrustDomainName(name: string): boolean {
  return TRUST_DOMAIN.test(name);
}
