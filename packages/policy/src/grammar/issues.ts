// Collects load-time issues so that one run reports every problem in a policy, each with its
// JSON path, instead of stopping at the first.

import { indexPath } from '@rolegate/core';
import type { PolicyIssue, PolicyRule } from '../errors.ts';
import type { JsonValue } from '../types.ts';

export class Issues {
  readonly list: PolicyIssue[] = [];

  add(path: string, rule: PolicyRule, message: string): void {
    this.list.push({ path, rule, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** A string found in the document, with where it was found. */
export interface Located {
  readonly text: string;
  readonly path: string;
}

export function isObject(value: JsonValue | undefined): value is { [k: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a string or a non-empty array of strings (Action, Resource, principal lists). */
export function readStrings(value: JsonValue, path: string, issues: Issues): Located[] {
  if (typeof value === 'string') return [{ text: value, path }];
  if (!Array.isArray(value)) {
    issues.add(path, 'value.type', 'expected a string or an array of strings');
    return [];
  }
  if (value.length === 0) issues.add(path, 'value.empty', 'an empty list matches nothing');
  const out: Located[] = [];
  value.forEach((item, i) => {
    if (typeof item === 'string') out.push({ text: item, path: indexPath(path, i) });
    else issues.add(indexPath(path, i), 'value.type', 'expected a string');
  });
  return out;
}
