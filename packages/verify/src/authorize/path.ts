// The request path a policy sees (specs/policy.md, "Request context for HTTP"): the raw path with
// dot segments removed, and everything that different servers read differently refused up front —
// an encoded slash (one server's segment boundary is another's data), a backslash (a separator on
// some), NUL, and escapes that are not `%XX` or do not decode to UTF-8. Dot segments follow the
// WHATWG URL rules, so `%2e` and `%2E` count as dots, as they do in every browser and in `new URL`.
// The path stays percent-encoded otherwise: policies match what was sent.

import { VerifyError } from '../errors.ts';

export interface SplitTarget {
  /** Normalised path, starting with `/`. */
  readonly path: string;
  /** The raw query string without `?`; empty when there is none. */
  readonly query: string;
}

const isHex = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** 1 for `.`, 2 for `..` (either possibly spelled `%2e`), 0 for any other segment. */
function dotKind(segment: string): 0 | 1 | 2 {
  if (segment.length === 0 || segment.length > 6) return 0;
  const s = segment.toLowerCase().replaceAll('%2e', '.');
  return s === '.' ? 1 : s === '..' ? 2 : 0;
}

function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const kind = dotKind(segment);
    if (kind === 0) out.push(segment);
    else {
      if (kind === 2) out.pop();
      // A trailing dot segment leaves the directory: `/a/b/..` is `/a/`.
      if (i === segments.length - 1) out.push('');
    }
  }
  return `/${out.join('/')}`;
}

/** Scans the raw path once: refuses what must be refused, and says whether dots or escapes occur. */
function scan(path: string): { dots: boolean; escapes: boolean } {
  let dots = false;
  let escapes = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x2e) dots = true;
    else if (c === 0x5c) throw new VerifyError('request.backslash');
    else if (c === 0) throw new VerifyError('request.nul');
    else if (c <= 0x20 || c >= 0x7f || c === 0x23) {
      throw new VerifyError('request.bad_path', `character 0x${c.toString(16)} in the path`);
    } else if (c === 0x25) {
      const h = path.charCodeAt(i + 1);
      const l = path.charCodeAt(i + 2);
      if (!isHex(h) || !isHex(l)) throw new VerifyError('request.bad_escape');
      const byte = Number.parseInt(path.slice(i + 1, i + 3), 16);
      if (byte === 0x2f) throw new VerifyError('request.encoded_slash');
      if (byte === 0x5c) throw new VerifyError('request.backslash', 'encoded backslash');
      if (byte === 0) throw new VerifyError('request.nul', 'encoded NUL');
      if (byte === 0x2e) dots = true;
      escapes = true;
      i += 2;
    }
  }
  return { dots, escapes };
}

/** Splits an origin-form request-target (`/path?query`) and normalises its path. */
export function splitTarget(target: string): SplitTarget {
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  // Origin-form only: `*` (OPTIONS *) and absolute-form targets are for proxies, not services.
  if (raw.charCodeAt(0) !== 0x2f) throw new VerifyError('request.bad_path', 'not origin-form');
  const { dots, escapes } = scan(raw);
  if (escapes) {
    try {
      decodeURIComponent(raw);
    } catch {
      throw new VerifyError('request.bad_escape', 'escapes do not decode to UTF-8');
    }
  }
  return { path: dots ? removeDotSegments(raw) : raw, query };
}
