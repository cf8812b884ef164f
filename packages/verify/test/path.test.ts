// The path a policy sees: one canonical spelling (RFC 3986 §6.2.2: unreserved escapes decoded, hex
// in upper case, characters a path may not hold encoded, dot segments removed after decoding), and
// what servers read differently refused with a stable code before any policy runs.
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
    // Runs of slashes are one slash, before dot segments are resolved (as nginx does).
    ['/a//b', '/a/b'],
    ['//admin.internal/x', '/admin.internal/x'],
    ['/a///', '/a/'],
    ['/a//../b', '/b'],
    ['/a/..b/c', '/a/..b/c'],
    ['/a/...', '/a/...'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    // Unreserved characters are the same character encoded or not (RFC 3986 §2.3).
    ['/a/%41%7e', '/a/A~'],
    ['/billing/%61dmin', '/billing/admin'],
    ['/billing/adm%69n', '/billing/admin'],
    ['/billing/%61%64%6D%69%6E/x', '/billing/admin/x'],
    ['/%2D%2E%5F%7E%30%39', '/-._~09'],
    // Hex case is not significant (§2.1): one spelling, upper case.
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/a%3bb%3A', '/a%3Bb:'],
    // Delimiters servers read as data are decoded; `;` stays encoded (it would start a parameter).
    ['/users%3Adelete', '/users:delete'],
    ['/a%21%24%26%27%28%29%2A%2B%2C%3D%40', "/a!$&'()*+,=@"],
    // A decoded dot is a dot: the segment is removed after decoding.
    ['/billing/x/%2E%2e/admin', '/billing/admin'],
    ['/a/%2e', '/a/'],
    // An encoded % stays encoded: `%2561` is the three characters `%61`, not `a`.
    ['/a/%2561dmin', '/a/%2561dmin'],
    // `;` and `%3B` keep their spelling: servlet containers read a raw `;` as a parameter.
    ['/a;b=c', '/a;b=c'],
    ['/a%3Bb', '/a%3Bb'],
    ["/a!$&'()*+,=:@", "/a!$&'()*+,=:@"],
    // Characters a path may not hold are encoded: `|` and `%7C` are one spelling.
    ['/a|b', '/a%7Cb'],
    ['/a%7cb', '/a%7Cb'],
    ['/"<>[]^`{|}', '/%22%3C%3E%5B%5D%5E%60%7B%7C%7D'],
  ];
  for (const [raw, path] of normalised) {
    it(`${raw} → ${path}`, () => {
      assert.equal(splitTarget(raw).path, path);
    });
  }

  it('refuses a raw ; when asked to (servlet containers drop ;params), keeps %3B', () => {
    for (const raw of ['/admin;x/secret', '/admin;/secret', '/billing/..;/admin', '/a;']) {
      assert.throws(
        () => splitTarget(raw, { semicolons: 'refuse' }),
        (e: unknown) => e instanceof VerifyError && e.code === 'request.bad_path',
        raw,
      );
    }
    assert.equal(splitTarget('/a%3Bb', { semicolons: 'refuse' }).path, '/a%3Bb');
    assert.equal(splitTarget('/a;b').path, '/a;b');
  });

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
    // Overlong UTF-8 for `/` and `.`, a lone continuation byte, an encoded surrogate.
    ['/a%C0%AF', 'request.bad_escape'],
    ['/a%C0%AE%C0%AE/b', 'request.bad_escape'],
    ['/a%80', 'request.bad_escape'],
    ['/a%ED%A0%80', 'request.bad_escape'],
    ['/a%2561%2', 'request.bad_escape'],
    ['/a%5C', 'request.backslash'],
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

  // Any mix of raw and encoded spellings (either hex case) of a path made of unreserved characters,
  // sub-delimiters and slashes is one canonical path, and the canonical path decodes to what the
  // raw path decodes to: a server that decodes reads exactly what the policy saw.
  const unreservedOrDelim = fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@".split(''));
  const spell = (ch: string, how: number): string => {
    const code = ch.charCodeAt(0);
    const hex = code.toString(16).padStart(2, '0');
    const unreserved = /[A-Za-z0-9._~-]/.test(ch);
    if (!unreserved || how === 0) return ch; // reserved characters keep their spelling
    return how === 1 ? `%${hex}` : `%${hex.toUpperCase()}`;
  };

  it('every spelling of an unreserved path is one canonical path, which decodes the same', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(unreservedOrDelim, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 2 })),
        (segments, hows) => {
          const plain = `/${segments.map((s) => s.join('')).join('/')}`;
          const spelled = `/${segments.map((s) => s.map((ch) => spell(ch, hows.next().value)).join('')).join('/')}`;
          const canonical = splitTarget(spelled).path;
          assert.equal(canonical, splitTarget(plain).path, spelled);
          assert.equal(splitTarget(canonical).path, canonical, 'a fixed point');
          // Dot segments aside, the canonical path means what the raw one meant.
          if (!segments.some((s) => ['.', '..'].includes(s.join('')))) {
            assert.equal(decodeURIComponent(canonical), decodeURIComponent(spelled));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('canonical paths are fixed points and keep their meaning, for arbitrary escapes', () => {
    const piece = fc.oneof(
      fc.constantFrom('a', '/', '.', '..', ';', '|', '~', '%7e', '%7C', '%3b', '%20', '%25'),
      fc.integer({ min: 0x21, max: 0xff }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
      fc.string({ unit: 'grapheme-ascii', maxLength: 3 }).filter((t) => !t.includes('?')),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const raw = `/${pieces.join('')}`;
        let canonical: string;
        try {
          canonical = splitTarget(raw).path;
        } catch (error) {
          assert.ok(error instanceof VerifyError && error.status === 400, String(error));
          return;
        }
        assert.equal(splitTarget(canonical).path, canonical);
        assert.doesNotMatch(canonical, /%(?:[0-9A-F][a-f]|[a-f][0-9A-Fa-f])/, 'upper-case hex');
        assert.doesNotMatch(
          canonical,
          /%(?:[46][1-9A-F]|[57][0-9A]|3[0-9]|2[DE]|5F|7E)/,
          'no unreserved escape',
        );
        if (!/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(raw)) {
          assert.equal(
            decodeURIComponent(canonical),
            decodeURIComponent(
              raw.replace(/\/{2,}/g, '/').replace(/[|"<>[\]^`{}]/g, encodeURIComponent),
            ),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });
});
