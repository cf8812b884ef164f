// ArnEquals ≡ ArnLike, ArnNotEquals ≡ ArnNotLike: case-sensitive, each of the six colon-separated
// parts matched on its own with `*`/`?` (a wildcard never crosses one of the first five colons).
// The IAM User Guide: "Each of the six colon-delimited components of the ARN is checked
// separately", with its example: `arn:aws:someservice:*:111122223333:finance/*` does not match
// `arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt` ("The
// first asterisk matches only us-east-2"). So, unlike the Resource element, a `*` ending a segment
// stays in it, and a pattern of fewer than six parts is refused at load: AWS documents no reading
// for it. A request value that is not an ARN matches no pattern.

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
        text.startsWith('arn:')
          ? `"${text}" has fewer than six colon-separated parts; ARN operators check each of the six on its own`
          : `"${text}" is not an ARN (use StringLike for other text)`,
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
