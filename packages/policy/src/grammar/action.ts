// Action / NotAction: `service:Name` or `*`, case-insensitive, with `*` and `?` wildcards.

import type { KeyRef, RequestEnv } from '../compile/env.ts';
import { compileGlob, type Matcher } from '../match/glob.ts';
import type { Issues, Located } from './issues.ts';

const ACTION = /^[^:\s]+:[^:\s]+$/;

function noVariables(): KeyRef {
  throw new Error('Action patterns hold no variables');
}

/** Compiles the listed action patterns into one test (true if any pattern matches). */
export function compileActions(
  patterns: readonly Located[],
  variables: boolean,
  issues: Issues,
): (env: RequestEnv) => boolean {
  const matchers: Matcher[] = [];
  for (const { text, path } of patterns) {
    if (variables && text.includes('${')) {
      issues.add(path, 'variable.not_allowed', 'policy variables are not allowed in Action');
      continue;
    }
    if (text !== '*' && !ACTION.test(text)) {
      issues.add(path, 'action.format', `"${text}" is not "service:Action" or "*"`);
      continue;
    }
    matchers.push(
      compileGlob([{ kind: 'raw', text }], {
        wildcards: true,
        arn: false,
        fold: true,
        keyRef: noVariables,
      }),
    );
  }
  if (matchers.length === 1) {
    const only = matchers[0]!;
    return (env) => only(env.action, env);
  }
  return (env) => {
    for (const m of matchers) if (m(env.action, env)) return true;
    return false;
  };
}
