// Bool: policy values `true`/`false` (strings or JSON booleans, any case); the request value
// must be a boolean or the string `true`/`false`. No variables.

import {
  type OperatorContext,
  type OperatorDef,
  rejectVariables,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

function toBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function compileBool(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
  if (!rejectVariables('Bool', values, ctx)) return () => false;
  let acceptTrue = false;
  let acceptFalse = false;
  for (const { text, path } of values) {
    const b = toBool(text);
    if (b === undefined) ctx.issues.add(path, 'condition.value', `"${text}" is not true or false`);
    else if (b) acceptTrue = true;
    else acceptFalse = true;
  }
  return (value) => {
    const b =
      typeof value === 'boolean' ? value : typeof value === 'string' ? toBool(value) : undefined;
    return b === undefined ? false : b ? acceptTrue : acceptFalse;
  };
}

export const boolOperators: readonly OperatorDef[] = [
  { name: 'Bool', negated: false, compile: compileBool },
];
