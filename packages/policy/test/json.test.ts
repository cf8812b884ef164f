import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonSyntaxError, parseJsonStrict } from '../src/index.ts';

function code(text: string): string | undefined {
  try {
    parseJsonStrict(text);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof JsonSyntaxError, String(e));
    return e.code;
  }
}

describe('parseJsonStrict', () => {
  it('parses what JSON.parse parses', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"b":{}}';
    assert.deepEqual(parseJsonStrict(text), JSON.parse(text));
  });

  it('rejects a duplicate key with its path', () => {
    try {
      parseJsonStrict('{"Statement":[{"Effect":"Deny","Effect":"Allow"}]}');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof JsonSyntaxError);
      assert.equal(e.code, 'json.duplicate_key');
      assert.equal(e.path, '$.Statement[0].Effect');
    }
  });

  it('rejects a duplicate key spelled with an escape', () => {
    assert.equal(code('{"a":1,"\\u0061":2}'), 'json.duplicate_key');
  });

  const bad: [string, string][] = [
    ['trailing garbage', '{} x'],
    ['two values', '1 2'],
    ['leading junk', 'x{}'],
    ['BOM', '\uFEFF{}'],
    ['NaN', 'NaN'],
    ['Infinity', '[Infinity]'],
    ['line comment', '{} // c'],
    ['block comment', '/* c */ {}'],
    ['trailing comma in array', '[1,]'],
    ['trailing comma in object', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['raw control char in string', '"a\u0001b"'],
    ['raw newline in string', '"a\nb"'],
    ['bad escape', '"\\x41"'],
    ['short unicode escape', '"\\u12"'],
    ['leading zero', '012'],
    ['leading plus', '+1'],
    ['bare dot', '1.'],
    ['hex', '0x10'],
    ['empty text', ''],
    ['only whitespace', '  '],
    ['unterminated string', '"abc'],
    ['unterminated object', '{"a":1'],
    ['non-breaking space', '\u00a0{}'],
    ['unquoted key', '{a:1}'],
  ];
  for (const [name, text] of bad) {
    it(`rejects ${name}`, () => assert.equal(code(text), 'json.syntax'));
  }

  it('keeps lone surrogates as JSON.parse does', () => {
    assert.equal(parseJsonStrict('"\\ud800"'), '\ud800');
  });

  it('stores __proto__ as an own data property, never as the prototype', () => {
    const v = parseJsonStrict('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.ok(Object.hasOwn(v, '__proto__'));
    assert.deepEqual(Object.keys(v), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('caps nesting depth', () => {
    assert.equal(code(`${'['.repeat(65)}${']'.repeat(65)}`), 'json.too_deep');
    assert.equal(code(`${'['.repeat(64)}${']'.repeat(64)}`), undefined);
    assert.throws(() => parseJsonStrict('[[[]]]', { maxDepth: 2 }), { code: 'json.too_deep' });
  });

  it('agrees with JSON.parse on duplicate-free documents (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        assert.deepEqual(parseJsonStrict(text), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on arbitrary strings, rejecting at least what it rejects (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const text = JSON.stringify(s);
        assert.equal(parseJsonStrict(text), JSON.parse(text));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          assert.throws(() => parseJsonStrict(text), JsonSyntaxError);
          return;
        }
        assert.deepEqual(parseJsonStrict(text), expected);
      }),
      { numRuns: 2000 },
    );
  });
});
