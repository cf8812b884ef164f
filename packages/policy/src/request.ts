// Checks that untrusted JSON (a `rolegate policy simulate` input, a JSONL line) has the request
// shape before it is evaluated, naming the JSON path of the first problem.

import { childPath, indexPath } from '@rolegate/core';
import { RequestValidationError } from './errors.ts';
import type {
  ContextScalar,
  ContextValue,
  JsonValue,
  PolicyPrincipal,
  PolicyRequest,
} from './types.ts';

type Obj = { [k: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(obj: Obj, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new RequestValidationError(childPath(path, k), 'unknown field');
  }
}

function optionalString(obj: Obj, key: string, path: string): string | null | undefined {
  const v = obj[key];
  if (v === undefined || v === null || typeof v === 'string') return v;
  throw new RequestValidationError(childPath(path, key), 'expected a string or null');
}

function readPrincipal(v: JsonValue | undefined): PolicyPrincipal | null {
  if (v === undefined || v === null) return null;
  const path = '$.principal';
  if (!isObject(v)) throw new RequestValidationError(path, 'expected an object or null');
  onlyKeys(v, ['arn', 'account', 'tags', 'anonymous'], path);
  const out: { -readonly [K in keyof PolicyPrincipal]: PolicyPrincipal[K] } = {};
  const arn = optionalString(v, 'arn', path);
  const account = optionalString(v, 'account', path);
  if (arn !== undefined) out.arn = arn;
  if (account !== undefined) out.account = account;
  const tags = v['tags'];
  if (tags !== undefined && tags !== null) {
    if (!isObject(tags)) throw new RequestValidationError(`${path}.tags`, 'expected an object');
    for (const [k, t] of Object.entries(tags)) {
      if (typeof t !== 'string') {
        throw new RequestValidationError(childPath(`${path}.tags`, k), 'a tag value is a string');
      }
    }
    out.tags = tags as Record<string, string>;
  }
  const anonymous = v['anonymous'];
  if (anonymous !== undefined) {
    if (typeof anonymous !== 'boolean') {
      throw new RequestValidationError(`${path}.anonymous`, 'expected a boolean');
    }
    out.anonymous = anonymous;
  }
  return out;
}

const isScalar = (v: JsonValue): v is ContextScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function readContext(v: JsonValue | undefined): Record<string, ContextValue> | undefined {
  if (v === undefined || v === null) return undefined;
  const path = '$.context';
  if (!isObject(v)) throw new RequestValidationError(path, 'expected an object');
  const out: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(v)) {
    const at = childPath(path, key);
    if (value === null) continue; // null = absent
    if (isScalar(value)) out[key] = value;
    else if (Array.isArray(value)) {
      value.forEach((x, i) => {
        if (!isScalar(x)) throw new RequestValidationError(indexPath(at, i), 'expected a scalar');
      });
      out[key] = value as ContextScalar[];
    } else throw new RequestValidationError(at, 'expected a value or a list of values');
  }
  return out;
}

/** Validates JSON as a {@link PolicyRequest}; throws {@link RequestValidationError} with a path. */
export function parseRequest(value: JsonValue): PolicyRequest {
  if (!isObject(value)) throw new RequestValidationError('$', 'a request is a JSON object');
  onlyKeys(value, ['principal', 'action', 'resource', 'context'], '$');
  const { action, resource } = value;
  if (typeof action !== 'string' || action === '') {
    throw new RequestValidationError('$.action', 'expected a non-empty string');
  }
  if (typeof resource !== 'string')
    throw new RequestValidationError('$.resource', 'expected a string');
  const context = readContext(value['context']);
  const principal = readPrincipal(value['principal']);
  return context === undefined
    ? { principal, action, resource }
    : { principal, action, resource, context };
}
