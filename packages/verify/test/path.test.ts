// The path a policy sees: dot segments removed (WHATWG rules, so %2e counts as a dot), and what
// servers read differently refused with a stable code before any policy runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitTarget } from '../src/authorize/path.ts';
import { VerifyError } from '../src/index.ts';

describe('request path', () => {
  const normalised: [string, string][] = [
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/..', '/'],
    ['/../../a', '/a'],
    ['/public/../admin/x', '/admin/x'],
    ['/public/%2e%2e/admin/x', '/admin/x'],
    ['/public/%2E./admin', '/admin'],
    ['/public/.%2E/admin', '/admin'],
    ['/a/%2e/b', '/a/b'],
    ['/a//b', '/a//b'],
    ['/a/..b/c', '/a/..b/c'],
    ['/a/...', '/a/...'],
    ['/a/%41%7e', '/a/%41%7e'],
    ['/caf%C3%A9', '/caf%C3%A9'],
  ];
  for (const [raw, path] of normalised) {
    it(`${raw} → ${path}`, () => {
      assert.equal(splitTarget(raw).path, path);
    });
  }

  it('keeps the query apart and out of the path', () => {
    assert.deepEqual(splitTarget('/a/../b?x=1&y=%2F'), { path: '/b', query: 'x=1&y=%2F' });
    assert.deepEqual(splitTarget('/a?'), { path: '/a', query: '' });
  });

  const refused: [string, string][] = [
    ['/a%2Fb', 'request.encoded_slash'],
    ['/a%2fb', 'request.encoded_slash'],
    ['/a\\..\\admin', 'request.backslash'],
    ['/a%5c', 'request.backslash'],
    ['/a\0b', 'request.nul'],
    ['/a%00', 'request.nul'],
    ['/a%', 'request.bad_escape'],
    ['/a%2', 'request.bad_escape'],
    ['/a%zz', 'request.bad_escape'],
    ['/a%C3', 'request.bad_escape'],
    ['/a%ff%fe', 'request.bad_escape'],
    ['*', 'request.bad_path'],
    ['http://example.com/a', 'request.bad_path'],
    ['', 'request.bad_path'],
    ['/a b', 'request.bad_path'],
    ['/a#frag', 'request.bad_path'],
    ['/caf\u00e9', 'request.bad_path'],
  ];
  for (const [raw, code] of refused) {
    it(`refuses ${JSON.stringify(raw)} with ${code}`, () => {
      assert.throws(
        () => splitTarget(raw),
        (e: unknown) => e instanceof VerifyError && e.code === code && e.status === 400,
      );
    });
  }

  it('never leaves a dot segment, and normalising twice changes nothing', () => {
    const segment = fc.constantFrom('a', 'b', '.', '..', '%2e', '%2E%2e', '.%2e', '', 'x.y', '...');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), (segments) => {
        const { path } = splitTarget(`/${segments.join('/')}`);
        assert.ok(path.startsWith('/'));
        for (const s of path.split('/')) {
          assert.ok(!['.', '..'].includes(s.toLowerCase().replaceAll('%2e', '.')), path);
        }
        assert.equal(splitTarget(path).path, path);
      }),
      { numRuns: 500 },
    );
  });
});
