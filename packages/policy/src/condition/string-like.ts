// StringLike, StringNotLike: case-sensitive, `*` = any run of characters, `?` = exactly one.
// Escapes `${*}` / `${?}` give literal characters; substituted variables are never wildcards.

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

function compileLike(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
  const tests: ValueTest[] = [];
  for (const { text, path } of values) {
    const t = parseTemplate(text, ctx.variables);
    if (!t.ok) {
      ctx.issues.add(path, 'variable.syntax', t.message);
      continue;
    }
    const m = compileGlob(t.parts, {
      wildcards: true,
      arn: false,
      fold: false,
      keyRef: ctx.keyRef,
    });
    tests.push((v, env) => m(toText(v), env));
  }
  return tests.length === 0 ? () => false : anyOf(tests);
}

export const stringLikeOperators: readonly OperatorDef[] = [
  { name: 'StringLike', negated: false, compile: compileLike },
  { name: 'StringNotLike', negated: true, compile: compileLike },
];
