// NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan,
// NumericGreaterThanEquals: integers or decimals, no wildcards, no variables. A request value that
// is not a number matches no policy value.

import {
  type OperatorContext,
  type OperatorDef,
  rejectVariables,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

/** Parses `[+-]digits[.digits]` (or `.digits`); NaN for anything else, blanks and hex included. */
export function parseDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 0x2b || first === 0x2d) i++;
  let digits = 0;
  while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    i++;
    digits++;
  }
  if (i < n && text.charCodeAt(i) === 0x2e) {
    i++;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
      i++;
      digits++;
    }
  }
  return digits === 0 || i !== n ? Number.NaN : Number(text);
}

type Compare = (request: number, policy: number) => boolean;

function numericOperator(name: string, negated: boolean, compare: Compare): OperatorDef {
  return {
    name,
    negated,
    compile(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
      if (!rejectVariables(name, values, ctx)) return () => false;
      const numbers: number[] = [];
      for (const { text, path } of values) {
        const n = parseDecimal(text);
        if (Number.isNaN(n)) ctx.issues.add(path, 'condition.value', `"${text}" is not a number`);
        else numbers.push(n);
      }
      return (value) => {
        const n =
          typeof value === 'number'
            ? value
            : typeof value === 'string'
              ? parseDecimal(value)
              : Number.NaN;
        if (Number.isNaN(n)) return false;
        for (const p of numbers) if (compare(n, p)) return true;
        return false;
      };
    },
  };
}

export const numericOperators: readonly OperatorDef[] = [
  numericOperator('NumericEquals', false, (r, p) => r === p),
  numericOperator('NumericNotEquals', true, (r, p) => r === p),
  numericOperator('NumericLessThan', false, (r, p) => r < p),
  numericOperator('NumericLessThanEquals', false, (r, p) => r <= p),
  numericOperator('NumericGreaterThan', false, (r, p) => r > p),
  numericOperator('NumericGreaterThanEquals', false, (r, p) => r >= p),
];
