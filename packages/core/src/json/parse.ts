// A strict RFC 8259 JSON parser. JSON.parse silently keeps the last of two duplicate keys, so a
// reviewer reading `"Effect": "Deny"` could be fooled by a later `"Effect": "Allow"`; policies
// must be parsed by something that refuses that. It also refuses everything JSON.parse refuses
// (BOM, comments, NaN, trailing commas, control characters in strings), caps nesting depth, and
// stores `__proto__` as an ordinary own property so a document can never reach a prototype.

import { RolegateError } from '../errors.ts';
import { childPath, indexPath } from './path.ts';

/** A JSON value as parsed (RFC 8259). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** The codes of {@link JsonSyntaxError}. */
export const JSON_ERRORS = {
  'json.syntax': { status: 400, description: 'the JSON text is malformed' },
  'json.duplicate_key': { status: 400, description: 'the JSON text repeats a key in an object' },
  'json.too_deep': { status: 400, description: 'the JSON text is nested too deeply' },
} as const;

export type JsonErrorCode = keyof typeof JSON_ERRORS;

/** Malformed JSON text (RFC 8259, strictly): `path` locates the value being read. */
export class JsonSyntaxError extends RolegateError<JsonErrorCode> {
  static override readonly registry = JSON_ERRORS;
  /** JSON path of the value being parsed when the error was found, e.g. `$.Statement[0]`. */
  readonly path: string;
  /** Offset (UTF-16 code units) in the text where parsing stopped. */
  readonly offset: number;

  constructor(code: JsonErrorCode, message: string, path: string, offset: number) {
    super(code, `${message} at ${path} (offset ${offset})`);
    this.path = path;
    this.offset = offset;
  }
}

export interface ParseJsonOptions {
  /** Deepest nesting of arrays and objects accepted; default 64. */
  readonly maxDepth?: number;
}

type Segment = string | number;

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private pos = 0;
  private readonly segments: Segment[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('json.syntax', 'unexpected text after the value');
    return value;
  }

  private path(): string {
    let out = '$';
    for (const s of this.segments)
      out = typeof s === 'number' ? indexPath(out, s) : childPath(out, s);
    return out;
  }

  private fail(code: JsonSyntaxError['code'], message: string, at = this.pos): never {
    throw new JsonSyntaxError(code, message, this.path(), at);
  }

  private skipWhitespace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    // Only the four RFC 8259 whitespace characters; a BOM or NBSP is a syntax error.
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  private parseValue(): JsonValue {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        return this.fail(
          'json.syntax',
          c === undefined ? 'unexpected end of text' : `unexpected character ${JSON.stringify(c)}`,
        );
    }
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('json.syntax', `expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private enter(): void {
    if (this.segments.length >= this.maxDepth) {
      this.fail('json.too_deep', `nesting deeper than ${this.maxDepth}`);
    }
  }

  private parseObject(): JsonValue {
    this.enter();
    this.pos++; // {
    const out: { [k: string]: JsonValue } = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.fail('json.syntax', 'expected a string key');
      const keyAt = this.pos;
      const key = this.parseString();
      if (Object.hasOwn(out, key)) {
        this.segments.push(key);
        this.fail('json.duplicate_key', `duplicate key ${JSON.stringify(key)}`, keyAt);
      }
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail('json.syntax', 'expected ":"');
      this.pos++;
      this.skipWhitespace();
      this.segments.push(key);
      const value = this.parseValue();
      this.segments.pop();
      // Plain assignment to "__proto__" would set the prototype; define it as data instead.
      if (key === '__proto__') {
        Object.defineProperty(out, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        out[key] = value;
      }
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === '}') {
        this.pos++;
        return out;
      }
      if (c !== ',') this.fail('json.syntax', 'expected "," or "}"');
      this.pos++;
      this.skipWhitespace();
    }
  }

  private parseArray(): JsonValue {
    this.enter();
    this.pos++; // [
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.segments.push(out.length);
      out.push(this.parseValue());
      this.segments.pop();
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c === ']') {
        this.pos++;
        return out;
      }
      if (c !== ',') this.fail('json.syntax', 'expected "," or "]"');
      this.pos++;
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const t = this.text;
    let pos = this.pos + 1; // opening quote
    let out = '';
    let runStart = pos;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (Number.isNaN(c)) this.fail('json.syntax', 'unterminated string', pos);
      if (c === 0x22) break;
      if (c < 0x20) this.fail('json.syntax', 'control character in string', pos);
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += t.slice(runStart, pos);
      const e = t[pos + 1];
      if (e === 'u') {
        const hex = t.slice(pos + 2, pos + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('json.syntax', 'bad \\u escape', pos);
        // Lone surrogates are kept as JSON.parse keeps them; they are valid JSON text.
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else {
        const decoded = e === undefined ? undefined : ESCAPES[e];
        if (decoded === undefined) this.fail('json.syntax', 'bad escape', pos);
        out += decoded;
        pos += 2;
      }
      runStart = pos;
    }
    out += t.slice(runStart, pos);
    this.pos = pos + 1;
    return out;
  }

  private parseNumber(): number {
    const t = this.text;
    const start = this.pos;
    let pos = start;
    const digits = (): number => {
      const from = pos;
      while (t.charCodeAt(pos) >= 0x30 && t.charCodeAt(pos) <= 0x39) pos++;
      return pos - from;
    };
    if (t[pos] === '-') pos++;
    if (t[pos] === '0') pos++;
    else if (digits() === 0) this.fail('json.syntax', 'bad number', start);
    if (t[pos] === '.') {
      pos++;
      if (digits() === 0) this.fail('json.syntax', 'bad number', start);
    }
    if (t[pos] === 'e' || t[pos] === 'E') {
      pos++;
      if (t[pos] === '+' || t[pos] === '-') pos++;
      if (digits() === 0) this.fail('json.syntax', 'bad number', start);
    }
    this.pos = pos;
    return Number(t.slice(start, pos));
  }
}

/**
 * Parses JSON text strictly (RFC 8259): duplicate keys, trailing text, BOM, comments, NaN,
 * control characters in strings and nesting deeper than `maxDepth` throw {@link JsonSyntaxError}.
 */
export function parseJsonStrict(text: string, options: ParseJsonOptions = {}): JsonValue {
  if (typeof text !== 'string') throw new TypeError('parseJsonStrict expects a string');
  return new Parser(text, options.maxDepth ?? 64).parseDocument();
}
