// Rewrites one profile's keys in the text of a shared credentials file and leaves every other
// byte as it was: other profiles, comments, blank lines, unknown keys, line breaks. Sections and
// keys are found the way the AWS SDK reads them (ini-reading.ts), so a look-alike the SDK reads
// differently (`[ default ]`, a key inside a sub-section, a commented-out line) is never touched.

import { CliError } from '../lib/errors.ts';
import {
  commentStart,
  type IniLine,
  joinLines,
  readLines,
  readSections,
  splitLines,
} from './ini-reading.ts';

/** Key → new value, in the order new keys are written. */
export type ProfileValues = ReadonlyArray<readonly [key: string, value: string]>;

/**
 * A profile name the SDK reads back as itself from a `[name]` header, or a CliError
 * (`cli.invalid_option`): no brackets, line breaks or other control characters, no ` #` or ` ;`
 * (a comment to the SDK), no `profile x` (read as `profile.x`), not empty, not `__proto__`.
 */
export function checkProfileName(profile: string): string {
  const header = readLines(splitLines(`[${profile}]`))[0];
  const readable =
    profile !== '' &&
    profile !== '__proto__' &&
    !/[[\]\p{Cc}]/u.test(profile) &&
    header?.kind === 'section' &&
    header.section === profile;
  if (!readable)
    throw new CliError(
      'cli.invalid_option',
      `${JSON.stringify(profile)} is not a usable profile name`,
    );
  return profile;
}

/**
 * A value that stays one value on one line: printable ASCII without spaces, not starting with a
 * comment mark. Access keys, secrets and session tokens all are; anything else is a bug upstream.
 */
function checkValue(key: string, value: string): void {
  if (!/^[\x21-\x7e]+$/.test(value) || /^[;#]/.test(value))
    throw new TypeError(`the value of ${key} cannot be written to a credentials file`);
}

/**
 * `text` with `profile`'s `values` set. Each key the profile already has (in every section of that
 * name, as the SDK merges them) gets the new value in place, keeping its spacing and any comment
 * after it; keys it lacks are added after the last key of its last section; a missing profile is
 * appended as a new section.
 */
export function setProfileValues(text: string, profile: string, values: ProfileValues): string {
  checkProfileName(profile);
  for (const [key, value] of values) checkValue(key, value);
  const wanted = new Map(values);
  const lines = splitLines(text);
  const eol = lines.find((line) => line.eol !== '')?.eol ?? '\n';

  const found = new Set<string>();
  let anchor = -1; // the last header or key line of the profile's last section
  readLines(lines).forEach((meaning, i) => {
    if (meaning.kind === 'other' || meaning.section !== profile) return;
    anchor = i;
    if (meaning.kind !== 'entry') return;
    const value = wanted.get(meaning.key);
    if (value === undefined) return;
    lines[i] = withValue(lines[i]!, value);
    found.add(meaning.key);
  });

  const added = values
    .filter(([key]) => !found.has(key))
    .map(([key, value]): IniLine => ({ content: `${key} = ${value}`, eol }));
  if (anchor >= 0) {
    if (lines[anchor]!.eol === '') lines[anchor]!.eol = eol;
    lines.splice(anchor + 1, 0, ...added);
  } else {
    const last = lines.at(-1);
    if (last !== undefined && last.eol === '') last.eol = eol;
    if (last !== undefined && last.content.trim() !== '') lines.push({ content: '', eol });
    lines.push({ content: `[${profile}]`, eol }, ...added);
  }

  const result = joinLines(lines);
  assertReadBack(result, profile, wanted);
  return result;
}

/** The line with its value replaced; the text before the value and the comment after it kept. */
function withValue(line: IniLine, value: string): IniLine {
  const { content } = line;
  const equals = content.indexOf('=');
  const valueStart = equals + 1 + (/^\s*/.exec(content.slice(equals + 1))?.[0].length ?? 0);
  const beforeComment = content.slice(0, commentStart(content));
  const valueEnd = Math.max(valueStart, beforeComment.trimEnd().length);
  return {
    content: content.slice(0, valueStart) + value + content.slice(valueEnd),
    eol: line.eol,
  };
}

/** The SDK's reading of the result must hold every value: the edit cannot have two readings. */
function assertReadBack(text: string, profile: string, wanted: Map<string, string>): void {
  const keys = readSections(text).get(profile);
  for (const [key, value] of wanted) {
    if (keys?.get(key) !== value)
      throw new Error(`internal: the rewritten credentials file does not read back ${key}`);
  }
}
