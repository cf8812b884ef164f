// How the AWS SDKs read a shared credentials file, line by line — the JavaScript SDK's parseIni
// (@smithy/core shared-ini-file-loader), rewritten as a walk that says which section and key each
// line belongs to. The profile editor places and finds keys with it, so that what it writes means,
// to the SDK, exactly what it meant to write.

/** The section prefixes the SDK knows (`[profile x]` is read as `profile.x`). */
const SECTION_PREFIXES = ['profile', 'sso-session', 'services'];
// The SDK's own pattern for `[prefix name]`, kept as it is, quirks included.
const PREFIXED_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;

/** One line of the file, with its line break (`\n`, `\r\n`, or none at the very end). */
export interface IniLine {
  content: string;
  eol: string;
}

export type LineMeaning =
  /** A `[...]` header; `section` is the name the SDK files its keys under, undefined if ignored. */
  | { readonly kind: 'section'; readonly section: string | undefined }
  /** `key = value` in `section`; `key` is `sub.key` inside a sub-section. */
  | { readonly kind: 'entry'; readonly section: string; readonly key: string }
  /** A sub-section opener (`key =` with nothing after it). */
  | { readonly kind: 'subsection'; readonly section: string }
  /** A blank line, a comment, or anything the SDK skips. */
  | { readonly kind: 'other' };

/** The lines of `text`, which join back to it exactly. The SDK breaks lines at `\n` and `\r\n`. */
export function splitLines(text: string): IniLine[] {
  const parts = text.split(/(\r?\n)/);
  const lines: IniLine[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const content = parts[i] ?? '';
    const eol = parts[i + 1] ?? '';
    if (content !== '' || eol !== '') lines.push({ content, eol });
  }
  return lines;
}

export function joinLines(lines: readonly IniLine[]): string {
  return lines.map((line) => line.content + line.eol).join('');
}

/** The line's text before its comment, as the SDK cuts it (`;` or `#` at the start or after a space). */
export function commentStart(content: string): number {
  const match = /(^|\s)[;#]/.exec(content);
  return match === null ? content.length : match.index;
}

/** What each line means to the SDK, in order. */
export function readLines(lines: readonly IniLine[]): LineMeaning[] {
  let section: string | undefined;
  let subsection: string | undefined;
  return lines.map(({ content }): LineMeaning => {
    const text = content.slice(0, commentStart(content)).trim();
    if (text.startsWith('[') && text.endsWith(']')) {
      section = sectionName(text.slice(1, -1));
      subsection = undefined;
      return { kind: 'section', section };
    }
    const equals = text.indexOf('=');
    if (section === undefined || equals <= 0) return { kind: 'other' };
    const name = text.slice(0, equals).trim();
    if (text.slice(equals + 1).trim() === '') {
      subsection = name;
      return { kind: 'subsection', section };
    }
    if (subsection !== undefined && content.trimStart() === content) subsection = undefined;
    return {
      kind: 'entry',
      section,
      key: subsection === undefined ? name : `${subsection}.${name}`,
    };
  });
}

/** The key → value map of each section, as the SDK's parseIni builds it (later lines win). */
export function readSections(text: string): Map<string, Map<string, string>> {
  const lines = splitLines(text);
  const sections = new Map<string, Map<string, string>>();
  readLines(lines).forEach((meaning, i) => {
    if (meaning.kind !== 'entry') return;
    const content = lines[i]!.content;
    const text = content.slice(0, commentStart(content));
    const value = text.slice(text.indexOf('=') + 1).trim();
    const keys = sections.get(meaning.section) ?? new Map<string, string>();
    keys.set(meaning.key, value);
    sections.set(meaning.section, keys);
  });
  return sections;
}

/** The name the SDK gives a `[...]` header's inner text; undefined for a section it ignores. */
function sectionName(inner: string): string | undefined {
  const prefixed = PREFIXED_SECTION.exec(inner);
  if (prefixed === null) return inner;
  const [, prefix, , name] = prefixed;
  return SECTION_PREFIXES.includes(prefix!) ? `${prefix}.${name}` : undefined;
}
