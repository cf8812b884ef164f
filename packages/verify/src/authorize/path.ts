// The request path a policy sees (docs/specs/policy.md, "Request context for HTTP"): the one canonical
// spelling of the path, so that every server that later decodes it reads the same path the policy
// decided on. RFC 3986 §6.2.2 normalisation, in one pass over the raw path:
// - percent-encoded characters that a path may hold raw are decoded — the unreserved ones
//   (ALPHA, DIGIT, `-`, `.`, `_`, `~`: `%61dmin` *is* `admin`, §2.3) and the delimiters every
//   server reads as data (`!$&'()*+,=:@`: `users%3Adelete` is `users:delete` to Fastify, WSGI,
//   `new URL` and servlet containers alike); other escapes get upper-case hex (§2.1). `%3B` stays
//   encoded: decoded, it would start a path parameter;
// - the printable characters RFC 3986 does not allow in a path (`"` `<` `>` `[` `]` `^` `` ` `` `{`
//   `|` `}`) are percent-encoded, so `|` and `%7C` are one spelling, as they are one character;
// - runs of `/` are merged into one, as nginx (`merge_slashes`, on by default) and Envoy's
//   `merge_slashes` do: a backend that merges them would otherwise act on `/admin` where the
//   policy saw `//admin`, and `new URL('//admin.internal/x', base)` reads a host out of the path;
// - dot segments are removed (§5.2.4, after decoding: `%2e%2e` is `..`, as in every browser);
// - what servers read differently is refused with a stable code: an encoded slash (one server's
//   segment boundary is another's data), a backslash raw or encoded (a separator on some), NUL,
//   a `%` not followed by two hex digits, escapes that do not decode to UTF-8 (overlong forms
//   included), and raw bytes outside printable ASCII; with `semicolons: 'refuse'`, a raw `;` too —
//   servlet containers drop `;params` from every segment (`/admin;x/secret` is `/admin/secret`
//   to Jetty and Tomcat) and Fastify 4 ends the path there.

import { VerifyError } from '../errors.ts';

export interface SplitTarget {
  /** Canonical path, starting with `/`: what the policy sees and what a proxy forwards. */
  readonly path: string;
  /** The raw query string without `?`; empty when there is none. */
  readonly query: string;
}

const HEX_DIGITS = '0123456789ABCDEF';

/** 0–15 for a hex digit's char code, -1 otherwise. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Bytes whose escape is decoded: unreserved characters and the delimiters servers read as data. */
const DECODED = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@") {
  DECODED[ch.charCodeAt(0)] = 1;
}

/** Printable ASCII that may not appear raw in an RFC 3986 path: sent raw, it is encoded. */
const ENCODED_WHEN_RAW = new Set([0x22, 0x3c, 0x3e, 0x5b, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d]);

const percent = (byte: number) => `%${HEX_DIGITS[byte >> 4]}${HEX_DIGITS[byte & 15]}`;

function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment !== '.' && segment !== '..') out.push(segment);
    else {
      if (segment === '..') out.pop();
      // A trailing dot segment leaves the directory: `/a/b/..` is `/a/`.
      if (i === segments.length - 1) out.push('');
    }
  }
  return `/${out.join('/')}`;
}

export interface CanonicalPathOptions {
  /** `keep` (default): a raw `;` is an ordinary character; `refuse`: 400 `request.bad_path`. */
  readonly semicolons?: 'keep' | 'refuse';
}

/**
 * The canonical form of a raw origin-form path (no query). Throws a 400 VerifyError for a path
 * that cannot be canonicalised without doubt. Canonical paths are fixed points.
 */
export function canonicalPath(raw: string, options: CanonicalPathOptions = {}): string {
  const refuseSemicolons = options.semicolons === 'refuse';
  // Most paths need no rewrite: text is copied from `raw` only when something changes.
  let out = '';
  let copiedTo = 0;
  let dots = false;
  let emptySegments = false;
  let highEscapes = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x2f) {
      if (raw.charCodeAt(i + 1) === 0x2f) emptySegments = true;
    } else if (c === 0x25) {
      const high = hexValue(raw.charCodeAt(i + 1));
      const low = hexValue(raw.charCodeAt(i + 2));
      if (high < 0 || low < 0) throw new VerifyError('request.bad_escape');
      const byte = high * 16 + low;
      if (byte === 0x2f) throw new VerifyError('request.encoded_slash');
      if (byte === 0x5c) throw new VerifyError('request.backslash', 'encoded backslash');
      if (byte === 0) throw new VerifyError('request.nul', 'encoded NUL');
      let replacement: string | undefined;
      if (byte < 0x80 && DECODED[byte] === 1) {
        replacement = String.fromCharCode(byte);
        if (byte === 0x2e) dots = true;
      } else {
        if (byte >= 0x80) highEscapes = true;
        const spelled = raw.slice(i, i + 3);
        if (spelled !== percent(byte)) replacement = percent(byte);
      }
      if (replacement !== undefined) {
        out += raw.slice(copiedTo, i) + replacement;
        copiedTo = i + 3;
      }
      i += 2;
    } else if (c === 0x2e) dots = true;
    else if (c === 0x3b && refuseSemicolons) {
      throw new VerifyError(
        'request.bad_path',
        'a ";" in the path (servlet containers drop ;params)',
      );
    } else if (c === 0x5c) throw new VerifyError('request.backslash');
    else if (c === 0) throw new VerifyError('request.nul');
    else if (c <= 0x20 || c >= 0x7f || c === 0x23) {
      throw new VerifyError('request.bad_path', `character 0x${c.toString(16)} in the path`);
    } else if (ENCODED_WHEN_RAW.has(c)) {
      out += raw.slice(copiedTo, i) + percent(c);
      copiedTo = i + 1;
    }
  }
  let path = copiedTo === 0 ? raw : out + raw.slice(copiedTo);
  if (emptySegments) path = path.replace(/\/{2,}/g, '/');
  if (highEscapes) {
    try {
      decodeURIComponent(path);
    } catch {
      throw new VerifyError('request.bad_escape', 'escapes do not decode to UTF-8');
    }
  }
  return dots ? removeDotSegments(path) : path;
}

/** Splits an origin-form request-target (`/path?query`) and canonicalises its path. */
export function splitTarget(target: string, options: CanonicalPathOptions = {}): SplitTarget {
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  // Origin-form only: `*` (OPTIONS *) and absolute-form targets are for proxies, not services.
  if (raw.charCodeAt(0) !== 0x2f) throw new VerifyError('request.bad_path', 'not origin-form');
  return { path: canonicalPath(raw, options), query };
}
