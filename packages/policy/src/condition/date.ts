// DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan,
// DateGreaterThanEquals: ISO 8601 or epoch seconds on either side, compared as instants; no
// variables. A request value that is not a date matches no policy value.

import { parseDate } from '../match/date.ts';
import {
  type OperatorContext,
  type OperatorDef,
  rejectVariables,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

type Compare = (request: number, policy: number) => boolean;

function dateOperator(name: string, negated: boolean, compare: Compare): OperatorDef {
  return {
    name,
    negated,
    compile(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
      if (!rejectVariables(name, values, ctx)) return () => false;
      const instants: number[] = [];
      for (const { text, path } of values) {
        const t = parseDate(text);
        if (Number.isNaN(t)) {
          ctx.issues.add(
            path,
            'condition.value',
            `"${text}" is not an ISO 8601 date or epoch seconds`,
          );
        } else instants.push(t);
      }
      return (value) => {
        const t =
          typeof value === 'number'
            ? value * 1000
            : typeof value === 'string'
              ? parseDate(value)
              : Number.NaN;
        if (Number.isNaN(t)) return false;
        for (const p of instants) if (compare(t, p)) return true;
        return false;
      };
    },
  };
}

export const dateOperators: readonly OperatorDef[] = [
  dateOperator('DateEquals', false, (r, p) => r === p),
  dateOperator('DateNotEquals', true, (r, p) => r === p),
  dateOperator('DateLessThan', false, (r, p) => r < p),
  dateOperator('DateLessThanEquals', false, (r, p) => r <= p),
  dateOperator('DateGreaterThan', false, (r, p) => r > p),
  dateOperator('DateGreaterThanEquals', false, (r, p) => r >= p),
];
