// Policy variables (`${aws:PrincipalTag/team}`, `${key, 'default'}`) and the escapes `${*}`,
// `${?}`, `${$}`. A value is split once, at load, into raw text (which may hold wildcards for the
// `Like` operators), literal text (from escapes: never a wildcard) and variable references.
// With Version 2008-10-17 or no Version, `${…}` is ordinary text, as in AWS.

export interface RawPart {
  readonly kind: 'raw';
  readonly text: string;
}

/** Text produced by an escape: `${*}` is a literal asterisk, never a wildcard. */
export interface LiteralPart {
  readonly kind: 'lit';
  readonly text: string;
}

export interface VariablePart {
  readonly kind: 'var';
  /** The key as written. */
  readonly key: string;
  /** Used when the key is absent from the request; absent default = the variable has no value. */
  readonly fallback?: string;
}

export type TemplatePart = RawPart | LiteralPart | VariablePart;

export type TemplateResult =
  | { readonly ok: true; readonly parts: readonly TemplatePart[]; readonly hasVariables: boolean }
  | { readonly ok: false; readonly message: string };

// A Map, not an object literal: `${constructor}` must not find Object.prototype.constructor.
const ESCAPE_TEXT: ReadonlyMap<string, string> = new Map([
  ['*', '*'],
  ['?', '?'],
  ['$', '$'],
]);
// A key is what may follow `${`: no braces, quotes, commas, dollars or white space.
const KEY = /^[^\s{}$,']+$/;
const WITH_DEFAULT = /^([^\s{}$,']+)\s*,\s*'([^']*)'$/;

/** Splits a policy string into parts; `variables` is false for Version 2008-10-17 or none. */
export function parseTemplate(text: string, variables: boolean): TemplateResult {
  if (!variables || !text.includes('${')) {
    return { ok: true, parts: text === '' ? [] : [{ kind: 'raw', text }], hasVariables: false };
  }
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let pos = 0;
  for (;;) {
    const open = text.indexOf('${', pos);
    if (open < 0) break;
    if (open > pos) parts.push({ kind: 'raw', text: text.slice(pos, open) });
    const close = text.indexOf('}', open + 2);
    if (close < 0) return { ok: false, message: `unterminated policy variable at offset ${open}` };
    const body = text.slice(open + 2, close).trim();
    const escaped = ESCAPE_TEXT.get(body);
    if (escaped !== undefined) {
      parts.push({ kind: 'lit', text: escaped });
    } else if (KEY.test(body)) {
      parts.push({ kind: 'var', key: body });
      hasVariables = true;
    } else {
      const m = WITH_DEFAULT.exec(body);
      if (m === null) return { ok: false, message: `malformed policy variable \${${body}}` };
      parts.push({ kind: 'var', key: m[1]!, fallback: m[2]! });
      hasVariables = true;
    }
    pos = close + 1;
  }
  if (pos < text.length) parts.push({ kind: 'raw', text: text.slice(pos) });
  return { ok: true, parts, hasVariables };
}

/** True if the text holds something that would be a variable or escape under Version 2012-10-17. */
export function looksLikeVariable(text: string): boolean {
  return text.includes('${');
}
