// BinaryEquals: byte-for-byte comparison; the policy value is base64, and so is the request value
// (a context carries text). Padding is optional on both sides; no variables.

import { decodeBase64, sameBytes } from '../match/base64.ts';
import {
  type OperatorContext,
  type OperatorDef,
  rejectVariables,
  type ValueSpec,
  type ValueTest,
} from './operator.ts';

function compileBinary(values: readonly ValueSpec[], ctx: OperatorContext): ValueTest {
  if (!rejectVariables('BinaryEquals', values, ctx)) return () => false;
  const blobs: Uint8Array[] = [];
  const texts = new Set<string>();
  for (const { text, path } of values) {
    const bytes = decodeBase64(text);
    if (bytes === undefined) ctx.issues.add(path, 'condition.value', 'not base64');
    else {
      blobs.push(bytes);
      texts.add(text);
    }
  }
  return (value) => {
    if (typeof value !== 'string') return false;
    if (texts.has(value)) return true; // same spelling: no need to decode
    const bytes = decodeBase64(value);
    if (bytes === undefined) return false;
    for (const b of blobs) if (sameBytes(b, bytes)) return true;
    return false;
  };
}

export const binaryOperators: readonly OperatorDef[] = [
  { name: 'BinaryEquals', negated: false, compile: compileBinary },
];
