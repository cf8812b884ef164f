// ArnEquals ≡ ArnLike, ArnNotEquals ≡ ArnNotLike: case-sensitive, each of the six colon-separated
// parts matched on its own with `*`/`?` (a wildcard never crosses one of the first five colons).
// A request value that is not an ARN matches no pattern.

import { parseTemplate } from '../grammar/template.ts';
import { splitArn } from '../match/arn.ts';
import { compileGlob } from '../match/glob.ts';
import {
  anyOf,
  type OperatorContext,
  type OperatorDef,
  toText,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

function compileArn(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
  const tests: ValueTest[] = [];
  for (const { text, path } of values) {
    const t = parseTemplate(text, ctx.variables);
    if (!t.ok) {
      ctx.issues.add(path, 'variable.syntax', t.message);
      continue;
    }
    // Without variables the pattern itself must be an ARN; with them it is checked per request.
    if (!t.hasVariables && splitArn(text) === undefined) {
      ctx.issues.add(
        path,
        'condition.value',
        `"${text}" is not an ARN (use StringLike for other text)`,
      );
      continue;
    }
    const m = compileGlob(t.parts, { wildcards: true, arn: true, fold: false, keyRef: ctx.keyRef });
    tests.push((v, env) => m(toText(v), env));
  }
  return tests.length === 0 ? () => false : anyOf(tests);
}

export const arnOperators: readonly OperatorDef[] = [
  { name: 'ArnEquals', negated: false, compile: compileArn },
  { name: 'ArnLike', negated: false, compile: compileArn },
  { name: 'ArnNotEquals', negated: true, compile: compileArn },
  { name: 'ArnNotLike', negated: true, compile: compileArn },
];
