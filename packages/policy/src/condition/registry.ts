// Every condition operator rolegate knows, by base name (Null is handled apart: it looks at
// presence, not values).

import { arnOperators } from './arn.ts';
import { binaryOperators } from './binary.ts';
import { boolOperators } from './bool.ts';
import { dateOperators } from './date.ts';
import { ipOperators } from './ip.ts';
import { numericOperators } from './numeric.ts';
import type { OperatorDef } from './operator.ts';
import { stringOperators } from './string.ts';
import { stringLikeOperators } from './string-like.ts';

export const OPERATORS: ReadonlyMap<string, OperatorDef> = new Map(
  [
    ...stringOperators,
    ...stringLikeOperators,
    ...numericOperators,
    ...dateOperators,
    ...boolOperators,
    ...binaryOperators,
    ...ipOperators,
    ...arnOperators,
  ].map((op) => [op.name, op]),
);
