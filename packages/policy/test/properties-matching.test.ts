// fast-check properties on matching: the wildcard matcher agrees with a reference implementation,
// and substituted variable values are never wildcards.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { keyRef, RequestEnv } from '../src/compile/env.ts';
import { compilePolicy } from '../src/index.ts';
import { compileGlob, matchTokens, tokenize } from '../src/match/glob.ts';

// Reference: a regular expression per pattern, built the obvious way (tests only).
function refRegex(pattern: string, stop: string): RegExp {
  const any = stop === '' ? '[^]' : `[^${stop}]`;
  let src = '';
  for (const ch of pattern) {
    if (ch === '*') src += `${any}*`;
    else if (ch === '?') src += any;
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 'u');
}

function refGlob(pattern: string, value: string): boolean {
  return refRegex(pattern, '').test(value);
}

/** Reference ARN match: split both at their first five colons, compare segment by segment. */
function refArn(pattern: string, value: string): boolean {
  const split = (s: string): string[] | undefined => {
    const parts = s.split(':');
    if (parts.length < 6) return undefined;
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const v = split(value);
  if (p === undefined || v === undefined) return false;
  return p.every((seg, i) => (i < 5 ? refRegex(seg, ':') : refRegex(seg, '')).test(v[i]!));
}

/**
 * Reference for Resource patterns, straight from the IAM User Guide: `*` and `?` stay inside one of
 * the first five colon-separated segments, except a `*` that is the last character of the region or
 * account segment, which "can expand to match beyond the colon boundaries". A memoised search over
 * every way to match (tests only).
 */
function refResource(pattern: string, value: string): boolean {
  const guarded = new Set<number>();
  for (let i = 0; i < value.length && guarded.size < 5; i++) if (value[i] === ':') guarded.add(i);
  if (guarded.size < 5) return false;
  type Part = { kind: 'lit'; ch: string } | { kind: 'one' } | { kind: 'star'; expands: boolean };
  const parts: Part[] = [];
  let segment = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '?') parts.push({ kind: 'one' });
    else if (ch === '*') {
      // Only a `*` that ends the whole pattern expands (rolegate's reading, docs/policies.md).
      const last = i === pattern.length - 1;
      parts.push({ kind: 'star', expands: (segment === 3 || segment === 4) && last });
    } else {
      parts.push({ kind: 'lit', ch });
      if (ch === ':') segment++;
    }
  }
  const memo = new Map<number, boolean>();
  const match = (pi: number, vi: number): boolean => {
    const key = pi * (value.length + 1) + vi;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r = false;
    const t = parts[pi];
    if (t === undefined) r = vi === value.length;
    else if (t.kind === 'lit') r = value[vi] === t.ch && match(pi + 1, vi + 1);
    else if (t.kind === 'one') r = vi < value.length && !guarded.has(vi) && match(pi + 1, vi + 1);
    else {
      for (let j = vi; ; j++) {
        if (match(pi + 1, j)) {
          r = true;
          break;
        }
        if (j === value.length || (!t.expands && guarded.has(j))) break;
      }
    }
    memo.set(key, r);
    return r;
  };
  return match(0, 0);
}

const alphabet = fc.constantFrom('a', 'b', ':', '/', '*', '?', 'é');
const patternArb = fc.string({ unit: alphabet, maxLength: 14 });
const valueArb = fc.string({
  unit: fc.constantFrom('a', 'b', ':', '/', '*', '?', 'é'),
  maxLength: 14,
});
const noVars = () => {
  throw new Error('no variables here');
};

describe('wildcard matcher', () => {
  const env = new RequestEnv({ action: 'x:y', resource: '' });

  it('agrees with a regex reference on whole-string patterns', () => {
    fc.assert(
      fc.property(patternArb, valueArb, (pattern, value) => {
        const parts = pattern === '' ? [] : [{ kind: 'raw' as const, text: pattern }];
        const m = compileGlob(parts, { wildcards: true, arn: false, fold: false, keyRef: noVars });
        assert.equal(m(value, env), refGlob(pattern, value), `${pattern} vs ${value}`);
        const tokens = tokenize(parts, {
          wildcards: true,
          arn: false,
          fold: false,
          keyRef: noVars,
        });
        assert.equal(matchTokens(tokens, value, env, false), refGlob(pattern, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with a segment-by-segment reference on ARN patterns', () => {
    const arnish = fc
      .tuple(fc.array(fc.string({ unit: alphabet, maxLength: 3 }), { minLength: 5, maxLength: 7 }))
      .map(([segs]) => segs.join(':'));
    const arnValue = fc
      .array(fc.string({ unit: fc.constantFrom('a', 'b', ':', '/'), maxLength: 3 }), {
        minLength: 4,
        maxLength: 7,
      })
      .map((segs) => segs.join(':'));
    fc.assert(
      fc.property(arnish, arnValue, (pattern, value) => {
        const parts = [{ kind: 'raw' as const, text: pattern }];
        const m = compileGlob(parts, { wildcards: true, arn: true, fold: false, keyRef: noVars });
        assert.equal(m(value, env), refArn(pattern, value), `${pattern} vs ${value}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the reference on Resource patterns (a * ending the pattern in the region or account expands)', () => {
    // Short segments, wildcards often at either end: the shapes where a segment-bound wildcard
    // meets one of the first five colons and an expanding `*` must take over.
    const segment = fc.oneof(
      fc.constantFrom('', 'a', '*', '?', 'a*', '*a', '*?', 'a?', 'a*b', '?*'),
      fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '?'), maxLength: 3 }),
    );
    const resourcePattern = fc
      .array(segment, { minLength: 2, maxLength: 7 })
      .map((segs) => segs.join(':'));
    const resourceValue = fc
      .array(fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'a/b'), { minLength: 4, maxLength: 9 })
      .map((segs) => segs.join(':'));
    fc.assert(
      fc.property(resourcePattern, resourceValue, (pattern, value) => {
        const parts = [{ kind: 'raw' as const, text: pattern }];
        const m = compileGlob(parts, {
          wildcards: true,
          arn: true,
          expand: true,
          fold: false,
          keyRef: noVars,
        });
        assert.equal(m(value, env), refResource(pattern, value), `${pattern} vs ${value}`);
      }),
      { numRuns: 10000 },
    );
  });

  it('has no exponential blow-up on adversarial input', () => {
    const parts = [{ kind: 'raw' as const, text: `${'*a'.repeat(30)}*b` }];
    const m = compileGlob(parts, { wildcards: true, arn: false, fold: false, keyRef: noVars });
    assert.equal(m('a'.repeat(5000), env), false);
  });
});

describe('policy variables', () => {
  const tagValue = fc.string({
    unit: fc.constantFrom('a', 'b', '*', '?', '$', '{', '}'),
    maxLength: 6,
  });

  it('a substituted value is never a wildcard (StringLike)', () => {
    fc.assert(
      fc.property(tagValue, tagValue, (tag, header) => {
        const policy = compilePolicy({
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: '*',
            Resource: '*',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable
            Condition: { StringLike: { 'example:H': 'x${aws:PrincipalTag/t}y' } },
          },
        });
        const request = {
          action: 'a:b',
          resource: 'r',
          principal: { arn: 'arn:aws:iam::444455556666:role/r', tags: { t: tag } },
          context: { 'example:H': `x${header}y` },
        };
        assert.equal(policy.evaluate(request) === 'Allow', header === tag);
      }),
      { numRuns: 1000 },
    );
  });

  it('a substituted value is never a wildcard (Resource, ArnLike)', () => {
    fc.assert(
      fc.property(tagValue, tagValue, (tag, path) => {
        const base = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-1/t/';
        const policy = compilePolicy({
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: '*',
            Resource: `${base}\${aws:PrincipalTag/t}`,
            Condition: { ArnLike: { 'example:A': `${base}\${aws:PrincipalTag/t}` } },
          },
        });
        const request = {
          action: 'a:b',
          resource: base + path,
          principal: { arn: 'arn:aws:iam::444455556666:role/r', tags: { t: tag } },
          context: { 'example:A': base + path },
        };
        assert.equal(policy.evaluate(request) === 'Allow', path === tag);
      }),
      { numRuns: 1000 },
    );
  });

  it('keyRef resolves names case-insensitively', () => {
    const env = new RequestEnv({ action: 'a:b', resource: 'r', context: { 'Ex:Key': 'v' } });
    assert.equal(env.scalarString(keyRef('ex:KEY')), 'v');
  });
});
