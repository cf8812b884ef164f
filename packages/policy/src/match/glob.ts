// Wildcard matching without regular expressions: patterns are tokenised once at load, and a
// request value is matched by a greedy scan that backtracks only to the last `*` (linear in
// practice, O(n·m) at worst — never exponential, whatever the request holds).
//
// ARN mode adds the IAM rule that each of the first five colon-separated segments is matched on
// its own: `*` and `?` never consume one of the first five colons of the value. Those colons can
// only be matched by a literal `:`, so once one is matched no earlier `*` can move past it and
// the greedy scan stays exact.
//
// Variables resolve to text that is matched literally: a `*` in a tag value never widens a grant.

import type { KeyRef, RequestEnv } from '../compile/env.ts';
import type { TemplatePart } from '../grammar/template.ts';
import { fifthColon } from './arn.ts';

export type Token =
  | { readonly k: 0; readonly s: string }
  | { readonly k: 1 }
  | { readonly k: 2 }
  | { readonly k: 3; readonly ref: KeyRef; readonly fallback: string | undefined };

/** Returns whether a request value matches; `env` supplies variable values. */
export type Matcher = (value: string, env: RequestEnv) => boolean;

export interface GlobOptions {
  /** `*` and `?` are wildcards in raw text (the Like operators, Action, Resource). */
  readonly wildcards: boolean;
  /** Match the first five colon-separated segments separately (ARN operators, ARN resources). */
  readonly arn: boolean;
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
const COLON = 58;

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

/** True when a wildcard or variable comes before the pattern's fifth literal colon. */
function needsSegments(tokens: readonly Token[]): boolean {
  let colons = 0;
  for (const t of tokens) {
    if (t.k !== 0) return true;
    for (let i = 0; i < t.s.length; i++)
      if (t.s.charCodeAt(i) === COLON && ++colons === 5) return false;
  }
  return true;
}

/** Compiles template parts into a matcher specialised for the pattern's shape. */
export function compileGlob(parts: readonly TemplatePart[], options: GlobOptions): Matcher {
  const tokens = tokenize(parts, options);
  const segmented = options.arn && needsSegments(tokens);
  const at = options.start ?? 0;
  const [a, b, c] = tokens;
  if (!segmented && tokens.every((t) => t.k !== 3)) {
    const fast = fastPath(tokens.length, a, b, c, at);
    if (fast !== undefined) return fast;
  }
  const fold = options.fold;
  return (v, env) => matchTokens(tokens, v, env, segmented, fold, at);
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
  let starTi = -1;
  let starP = 0;
  while (p < end) {
    if (ti < n) {
      const t = tokens[ti]!;
      if (t.k === 1) {
        starTi = ti;
        starP = p;
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
          // One of the first five colons is matched: segments before it are settled.
          if (ch === COLON && p <= colon5) starTi = -1;
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
    if (starP <= colon5 && value.charCodeAt(starP) === COLON) return false;
    p = ++starP;
    ti = starTi + 1;
    off = 0;
  }
  while (ti < n) {
    const t = tokens[ti]!;
    if (t.k === 1 || (t.k === 3 && off === 0 && resolved[ti] === '')) ti++;
    else break;
  }
  return ti === n;
}
