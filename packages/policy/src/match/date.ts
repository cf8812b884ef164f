// Dates for the Date operators: ISO 8601 (`2025-06-01`, `2025-06-01T12:00Z`,
// `2025-06-01T12:00:00.5+02:00`; no zone = UTC) or epoch seconds (`1893456000`, also as a JSON
// number). Both become milliseconds since the epoch so they compare on one scale. A hand parser
// rather than Date.parse, which accepts many non-ISO spellings and depends on the local zone.

function digits(text: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 0x30;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isEpoch(text: string): boolean {
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  let seen = 0;
  let dot = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && !dot && seen > 0) dot = true;
    else if (c >= 0x30 && c <= 0x39) seen++;
    else return false;
  }
  return seen > 0 && text.charCodeAt(text.length - 1) !== 0x2e;
}

/** Milliseconds since the epoch, or NaN when `text` is neither ISO 8601 nor epoch seconds. */
export function parseDate(text: string): number {
  if (isEpoch(text)) return Number(text) * 1000;
  const n = text.length;
  if (n < 10 || text[4] !== '-' || text[7] !== '-') return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS[month - 1]!) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) return Number.NaN;
  let ms = Date.UTC(year, month - 1, day);
  if (n === 10) return ms;
  if (text[10] !== 'T' || n < 16 || text[13] !== ':') return Number.NaN;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  ms += (hour * 60 + minute) * 60_000;
  let i = 16;
  if (text[i] === ':') {
    const second = digits(text, i + 1, 2);
    if (second < 0 || second > 59) return Number.NaN;
    ms += second * 1000;
    i += 3;
    if (text[i] === '.') {
      let scale = 100;
      let count = 0;
      for (i++; i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39; i++, count++) {
        ms += (text.charCodeAt(i) - 0x30) * scale;
        scale /= 10;
      }
      if (count === 0) return Number.NaN;
    }
  }
  if (i === n || (text[i] === 'Z' && i + 1 === n)) return ms;
  const sign = text[i] === '+' ? -1 : text[i] === '-' ? 1 : 0;
  if (sign === 0) return Number.NaN;
  const offH = digits(text, i + 1, 2);
  const rest = n - (i + 3);
  const offM =
    rest === 0
      ? 0
      : rest === 3 && text[i + 3] === ':'
        ? digits(text, i + 4, 2)
        : rest === 2
          ? digits(text, i + 3, 2)
          : -1;
  if (offH < 0 || offH > 23 || offM < 0 || offM > 59) return Number.NaN;
  return ms + sign * (offH * 60 + offM) * 60_000;
}
