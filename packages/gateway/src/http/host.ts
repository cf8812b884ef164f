// The Host header, read once and strictly (RFC 9112 §3.2: a server MUST answer 400 to an invalid
// Host). Routing, the policy and the upstream all use the one canonical host this returns, so a
// Host that one parser reads as `public.internal` and another as `admin.internal`
// (`public.internal:80@admin.internal`) never gets past the edge. Accepted:
// - a DNS-style name: labels of letters, digits, `-` and `_`, separated by single dots, with one
//   optional trailing dot; stricter than RFC 3986's reg-name, which also allows percent-escapes and
//   sub-delimiters — characters URL parsers disagree on (WHATWG forbids some, decodes others);
// - a dotted-quad IPv4 address in canonical form: a name whose last label is a number must be one,
//   because URL parsers read `127.1`, `0x7f.1` or `017.0.0.1` as IPv4 addresses of their own;
// - an IPv6 literal in brackets (no zone id, no IPvFuture);
// each with an optional `:port` of decimal digits (at most 65535). Canonical form: lower case,
// without the trailing dot, the port as a plain number (`:080` → `:80`, `host:` → `host`).

import { isIPv6 } from 'node:net';
import { GatewayError } from '../errors/gateway-error.ts';

export interface CanonicalHost {
  /** Lower-case name without port or trailing dot (`[…]` kept for IPv6): what routing matches. */
  readonly name: string;
  /** `name[:port]`: the Host header the upstream receives. */
  readonly header: string;
}

const LABEL = /^[a-z0-9_-]{1,63}$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;
const CANONICAL_IPV4 =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function invalid(why: string): never {
  throw new GatewayError('request.bad_host', why);
}

function checkName(name: string): string {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length === 0 || bare.length > 253) invalid('empty or overlong host name');
  const labels = bare.split('.');
  for (const label of labels) if (!LABEL.test(label)) invalid('host name with a bad label');
  if (NUMERIC_LABEL.test(labels[labels.length - 1]!) && !CANONICAL_IPV4.test(bare)) {
    invalid('a host that ends in a number must be a dotted-quad IPv4 address');
  }
  return bare;
}

function checkPort(port: string): string {
  if (port === '') return '';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) invalid('bad port');
  return `:${Number(port)}`;
}

/** Parses a Host header value; throws `request.bad_host` (400) for anything else. */
export function parseHost(value: string): CanonicalHost {
  const host = value.toLowerCase();
  let name: string;
  let rest: string;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) invalid('unclosed IPv6 literal');
    const literal = host.slice(1, end);
    // Hex, colons and an embedded IPv4 only: no zone id (`%25eth0`), no IPvFuture.
    if (!/^[0-9a-f:.]+$/.test(literal) || !isIPv6(literal)) invalid('bad IPv6 literal');
    // One spelling per address (RFC 5952, as URL parsers write it): `[0:0::1]` is `[::1]`.
    name = new URL(`http://[${literal}]/`).hostname;
    rest = host.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) invalid('text after the IPv6 literal');
  } else {
    const colon = host.indexOf(':');
    name = checkName(colon < 0 ? host : host.slice(0, colon));
    rest = colon < 0 ? '' : host.slice(colon);
  }
  const port = checkPort(rest.slice(1));
  return { name, header: name + port };
}
