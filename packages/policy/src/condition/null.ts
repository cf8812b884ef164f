// Null: `"true"` means the key is absent, `"false"` that it is present (an empty string is
// present; an empty list counts as absent). No IfExists form and no set prefix — rejected at load.

import type { ContextValue } from '../types.ts';
import { type OperatorContext, rejectVariables, type ValueSpec } from './operator.ts';

/** Compiles Null's values into a test on the looked-up value (undefined = absent). */
export function compileNull(
  values: readonly ValueSpec[],
  ctx: OperatorContext,
): (value: ContextValue | undefined) => boolean {
  if (!rejectVariables('Null', values, ctx)) return () => false;
  let whenAbsent = false;
  let whenPresent = false;
  for (const { text, path } of values) {
    const lower = text.toLowerCase();
    if (lower === 'true') whenAbsent = true;
    else if (lower === 'false') whenPresent = true;
    else ctx.issues.add(path, 'condition.value', `"${text}" is not true or false`);
  }
  return (value) => {
    const absent = value === undefined || (Array.isArray(value) && value.length === 0);
    return absent ? whenAbsent : whenPresent;
  };
}
