// StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase.
// Exact comparison (`*` is an ordinary character here); variables substitute literally.

import { parseTemplate } from '../grammar/template.ts';
import { compileGlob } from '../match/glob.ts';
import {
  anyOf,
  type OperatorContext,
  type OperatorDef,
  toText,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

function compileEquals(
  values: readonly ValueSpec[],
  ctx: OperatorContext,
  fold: boolean,
): ValueTest {
  const constants = new Set<string>();
  const templated: ValueTest[] = [];
  for (const { text, path } of values) {
    const t = parseTemplate(text, ctx.variables);
    if (!t.ok) {
      ctx.issues.add(path, 'variable.syntax', t.message);
      continue;
    }
    if (!t.hasVariables) {
      const joined = t.parts.map((p) => (p.kind === 'var' ? '' : p.text)).join('');
      constants.add(fold ? joined.toLowerCase() : joined);
      continue;
    }
    const m = compileGlob(t.parts, { wildcards: false, arn: false, fold, keyRef: ctx.keyRef });
    templated.push(
      fold ? (v, env) => m(toText(v).toLowerCase(), env) : (v, env) => m(toText(v), env),
    );
  }
  const tests: ValueTest[] = [];
  if (constants.size === 1) {
    const only = [...constants][0]!;
    tests.push(fold ? (v) => toText(v).toLowerCase() === only : (v) => toText(v) === only);
  } else if (constants.size > 1) {
    tests.push(
      fold ? (v) => constants.has(toText(v).toLowerCase()) : (v) => constants.has(toText(v)),
    );
  }
  tests.push(...templated);
  return tests.length === 0 ? () => false : anyOf(tests);
}

export const stringOperators: readonly OperatorDef[] = [
  { name: 'StringEquals', negated: false, compile: (v, c) => compileEquals(v, c, false) },
  { name: 'StringNotEquals', negated: true, compile: (v, c) => compileEquals(v, c, false) },
  { name: 'StringEqualsIgnoreCase', negated: false, compile: (v, c) => compileEquals(v, c, true) },
  {
    name: 'StringNotEqualsIgnoreCase',
    negated: true,
    compile: (v, c) => compileEquals(v, c, true),
  },
];
