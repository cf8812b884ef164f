// Wildcard matching without regular expressions: patterns are tokenised once at load, and a
// request value is matched by a greedy scan that backtracks only to the last `*` (linear in
// practice, O(n·m) at worst — never exponential, whatever the request holds).
//
// ARN mode adds the IAM rule that each of the first five colon-separated segments is matched on
// its own: `*` and `?` never consume one of the first five colons of the value (ARN condition
// operators: "Each of the six colon-delimited components of the ARN is checked separately").
// With `expand` (the Resource element) a `*` that is the last character of the region or account
// segment may run past them: "If the * wildcard is the last character of a resource ARN segment,
// it can expand to match beyond the colon boundaries" (IAM User Guide, Resource). Such a star is
// the one backtracking point a segment-bound wildcard falls back to when one of those colons
// stops it; otherwise the scan backtracks only to the last `*`, as for a plain pattern.
//
// Variables resolve to text that is matched literally: a `*` in a tag value never widens a grant.

import type { KeyRef, RequestEnv } from '../compile/env.ts';
import type { TemplatePart } from '../grammar/template.ts';
import { fifthColon } from './arn.ts';

/** 0 literal text, 1 `*`, 2 `?`, 3 a variable, 4 a `*` that may match the first five colons. */
export type Token =
  | { readonly k: 0; readonly s: string }
  | { readonly k: 1 }
  | { readonly k: 2 }
  | { readonly k: 3; readonly ref: KeyRef; readonly fallback: string | undefined }
  | { readonly k: 4 };

/** Returns whether a request value matches; `env` supplies variable values. */
export type Matcher = (value: string, env: RequestEnv) => boolean;

export interface GlobOptions {
  /** `*` and `?` are wildcards in raw text (the Like operators, Action, Resource). */
  readonly wildcards: boolean;
  /** Match the first five colon-separated segments separately (ARN operators, ARN resources). */
  readonly arn: boolean;
  /**
   * With `arn`: a `*` ending the region or account segment may match across colons (the Resource
   * element, as the IAM User Guide describes it; not the ARN condition operators).
   */
  readonly expand?: boolean;
  /** Lower-case literal text and variable values; the caller lower-cases the request value. */
  readonly fold: boolean;
  /** Turns a variable key into a context reference. */
  readonly keyRef: (key: string) => KeyRef;
  /**
   * Match from this offset of the value: the caller has already checked the value's first
   * `start` characters (a literal prefix shared by many patterns, compared once per request).
   */
  readonly start?: number;
}

const STAR: Token = { k: 1 };
const ONE: Token = { k: 2 };
const EXPANDING: Token = { k: 4 };
const COLON = 58;
// Segments of `arn:partition:service:region:account:resource` whose final `*` may run on.
const REGION = 3;
const ACCOUNT = 4;

/** Turns template parts into tokens, merging adjacent text and collapsing runs of `*`. */
export function tokenize(parts: readonly TemplatePart[], options: GlobOptions): Token[] {
  const out: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push({ k: 0, s: options.fold ? text.toLowerCase() : text });
    text = '';
  };
  for (const part of parts) {
    if (part.kind === 'var') {
      flush();
      out.push({ k: 3, ref: options.keyRef(part.key), fallback: part.fallback });
    } else if (part.kind === 'lit' || !options.wildcards) {
      text += part.text;
    } else {
      for (const ch of part.text) {
        if (ch === '*' || ch === '?') {
          flush();
          if (ch === '?') out.push(ONE);
          else if (out.at(-1) !== STAR) out.push(STAR);
        } else {
          text += ch;
        }
      }
    }
  }
  flush();
  return out;
}

function countColons(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === COLON) n++;
  return n;
}

/**
 * Marks a `*` that ends the pattern inside the region or account segment as expanding (it may
 * match across the colons that follow, as the IAM User Guide describes for `arn:aws:svc:*`). A
 * segment-ending `*` with more pattern after it stays in its segment: expanding it would let an
 * Allow on `arn:…:*:111122223333:service/s/public/*` match a request path that merely contains
 * `:111122223333:service/s/public/` after a colon — the caller chooses the path.
 */
export function markExpandingStars(tokens: readonly Token[]): Token[] {
  let colons = 0;
  return tokens.map((t, i) => {
    if (t.k === 0) colons += countColons(t.s);
    if (t.k !== 1 || (colons !== REGION && colons !== ACCOUNT)) return t;
    return i === tokens.length - 1 ? EXPANDING : t;
  });
}

/**
 * Whether `*` or `?` comes before the pattern's fifth literal colon (all of it when it has fewer)
 * with `restrictedOnly`: only a `*` or `?` bound to its segment; otherwise any wildcard or variable.
 */
function wildcardInSegments(tokens: readonly Token[], restrictedOnly: boolean): boolean {
  let colons = 0;
  for (const t of tokens) {
    if (t.k === 0) {
      colons += countColons(t.s);
      if (colons >= 5) return false;
    } else if (!restrictedOnly || t.k === 1 || t.k === 2) return true;
  }
  return !restrictedOnly;
}

/** Compiles template parts into a matcher specialised for the pattern's shape. */
export function compileGlob(parts: readonly TemplatePart[], options: GlobOptions): Matcher {
  let tokens = tokenize(parts, options);
  if (options.arn && options.expand) tokens = markExpandingStars(tokens);
  const at = options.start ?? 0;
  const fold = options.fold;
  if (options.arn && wildcardInSegments(tokens, false) && !wildcardInSegments(tokens, true)) {
    // Before the fifth colon only expanding stars (or variables, matched literally): the segment
    // rule cannot change the outcome, beyond the value having to be an ARN.
    const plain = compilePlain(
      tokens.map((t) => (t.k === 4 ? STAR : t)),
      at,
      fold,
    );
    return (v, env) => fifthColon(v) >= 0 && plain(v, env);
  }
  if (options.arn && wildcardInSegments(tokens, false)) {
    return (v, env) => matchTokens(tokens, v, env, true, fold, at);
  }
  return compilePlain(tokens, at, fold);
}

function compilePlain(tokens: readonly Token[], at: number, fold: boolean): Matcher {
  const [a, b, c] = tokens;
  if (tokens.every((t) => t.k !== 3)) {
    const fast = fastPath(tokens.length, a, b, c, at);
    if (fast !== undefined) return fast;
  }
  return (v, env) => matchTokens(tokens, v, env, false, fold, at);
}

// Common shapes (`literal`, `prefix*`, `*suffix`, `head*tail`, `*middle*`) become one or two
// string calls; V8 compares strings in native code, far faster than the general loop.
function fastPath(
  n: number,
  a: Token | undefined,
  b: Token | undefined,
  c: Token | undefined,
  at: number,
): Matcher | undefined {
  if (n === 0) return (v) => v.length === at;
  if (n === 1 && a?.k === 1) return () => true;
  if (n === 1 && a?.k === 0) {
    const s = a.s;
    if (at === 0) return (v) => v === s;
    return (v) => v.length === at + s.length && v.endsWith(s);
  }
  if (n === 2 && a?.k === 0 && b?.k === 1) {
    const s = a.s;
    return (v) => v.startsWith(s, at);
  }
  if (n === 2 && a?.k === 1 && b?.k === 0) {
    const s = b.s;
    const min = at + s.length;
    return (v) => v.length >= min && v.endsWith(s);
  }
  if (n === 3 && a?.k === 0 && b?.k === 1 && c?.k === 0) {
    const head = a.s;
    const tail = c.s;
    const min = at + head.length + tail.length;
    return (v) => v.length >= min && v.startsWith(head, at) && v.endsWith(tail);
  }
  if (n === 3 && a?.k === 1 && b?.k === 0 && c?.k === 1) {
    const s = b.s;
    return (v) => v.indexOf(s, at) >= 0;
  }
  return undefined;
}

// Resolved variable values for the match in progress; matching is synchronous and never
// re-entered, so one shared array avoids an allocation per match.
const resolved: string[] = [];

/** The general matcher; exported for the reference-agreement property test. */
export function matchTokens(
  tokens: readonly Token[],
  value: string,
  env: RequestEnv | undefined,
  segmented: boolean,
  fold = false,
  start = 0,
): boolean {
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (t.k !== 3) continue;
    const v = env?.scalarString(t.ref) ?? t.fallback;
    if (v === undefined) return false; // a variable with no value matches nothing
    resolved[i] = fold ? v.toLowerCase() : v;
  }
  let colon5 = -1;
  if (segmented) {
    colon5 = fifthColon(value);
    if (colon5 < 0) return false;
  }
  const end = value.length;
  let ti = 0;
  let off = 0;
  let p = start;
  // The last `*` (where the scan resumes on a mismatch) and the last expanding `*`.
  let starTi = -1;
  let starP = 0;
  let crossTi = -1;
  let crossP = 0;
  while (p < end) {
    if (ti < n) {
      const t = tokens[ti]!;
      if (t.k === 1 || t.k === 4) {
        starTi = ti;
        starP = p;
        if (t.k === 4) {
          crossTi = ti;
          crossP = p;
        }
        ti++;
        continue;
      }
      if (t.k === 2) {
        if (p > colon5 || value.charCodeAt(p) !== COLON) {
          p++;
          ti++;
          continue;
        }
      } else {
        const s = t.k === 0 ? t.s : resolved[ti]!;
        if (off >= s.length) {
          ti++;
          off = 0;
          continue;
        }
        const ch = value.charCodeAt(p);
        if (s.charCodeAt(off) === ch) {
          // One of the first five colons is matched: segments before it are settled, except
          // that an expanding `*` may still run past it.
          if (ch === COLON && p <= colon5) {
            starTi = crossTi;
            starP = crossP;
          }
          p++;
          if (++off === s.length) {
            ti++;
            off = 0;
          }
          continue;
        }
      }
    }
    if (starTi < 0) return false;
    if (starTi !== crossTi && starP <= colon5 && value.charCodeAt(starP) === COLON) {
      // This `*` may not cross the colon; only an earlier expanding one can move the match on.
      if (crossTi < 0) return false;
      starTi = crossTi;
      starP = crossP;
    }
    p = ++starP;
    ti = starTi + 1;
    off = 0;
    if (starTi === crossTi) crossP = starP;
  }
  while (ti < n) {
    const t = tokens[ti]!;
    if (t.k === 1 || t.k === 4 || (t.k === 3 && off === 0 && resolved[ti] === '')) ti++;
    else break;
  }
  return ti === n;
}
