// Step 2: the URL. We split it ourselves with one anchored pattern and then cross-check against
// WHATWG URL parsing, so that no parser differential (userinfo, backslash, port, IDNA, IPv4
// shorthand) can make the host we check differ from the host a client library would connect to.
import { IdentityError } from '../errors.ts';
import type { StsHost } from './endpoints.ts';

const URL_SHAPE = /^https:\/\/([^/?#\\@]+)\/\?([^#\\]*)$/;
const HOST_LABELS = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const NUMERIC_HOST = /^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+))*$/;

export interface ProofUrl {
  readonly endpoint: StsHost;
  /** The raw query string after `?`, not yet decoded. */
  readonly rawQuery: string;
}

export function parseProofUrl(url: string, allowList: ReadonlyMap<string, StsHost>): ProofUrl {
  const match = URL_SHAPE.exec(url);
  if (!match) throw new IdentityError('proof.bad_url', 'URL is not https://<host>/?<query>');
  const authority = match[1]!;
  const rawQuery = match[2]!;
  if (authority.includes(':')) throw new IdentityError('proof.bad_url', 'URL has a port');
  if (!HOST_LABELS.test(authority))
    throw new IdentityError('proof.bad_url', 'host is not lower-case DNS');
  if (NUMERIC_HOST.test(authority))
    throw new IdentityError('proof.bad_url', 'host is an IP literal');
  if (authority.split('.').some((label) => label.startsWith('xn--'))) {
    throw new IdentityError('proof.bad_url', 'host is punycode');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IdentityError('proof.bad_url', 'URL does not parse');
  }
  if (
    parsed.hostname !== authority ||
    parsed.host !== authority ||
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.port !== '' ||
    parsed.pathname !== '/' ||
    parsed.hash !== ''
  ) {
    throw new IdentityError('proof.bad_url', 'URL parses differently than it reads');
  }
  const endpoint = allowList.get(authority);
  if (!endpoint)
    throw new IdentityError('proof.host_not_allowed', `host ${authority} is not allowed`);
  return { endpoint, rawQuery };
}
