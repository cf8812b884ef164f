// Resource / NotResource. An ARN pattern (`arn:…`) is matched segment by segment, case-sensitively,
// as the IAM User Guide describes it: `*` and `?` stay inside one of the colon-separated segments,
// except that "If the * wildcard is the last character of a resource ARN segment, it can expand to
// match beyond the colon boundaries" — so `arn:aws:vpc-lattice:*` and `arn:aws:vpc-lattice:us-west-2:*`
// cover every Lattice ARN (of that region). Inside the resource part (after the fifth colon) `*`
// and `?` match any character, `/` and `:` included. A `*` ending the partition segment stays in
// it: the service segment must name the service, never a wildcard. Anything else — `*`, Lattice's
// `*/rates`, or a non-ARN resource such as the broker's audience URI `https://billing.example.com`
// — is one wildcard pattern over the whole string. Variables may only appear in the resource part,
// as IAM allows.

import type { KeyRef, RequestEnv } from '../compile/env.ts';
import { fifthColon } from '../match/arn.ts';
import { compileGlob, type Matcher } from '../match/glob.ts';
import type { Issues, Located } from './issues.ts';
import { parseTemplate } from './template.ts';

const MIN_SHARED_PREFIX = 16;

/**
 * The literal prefix shared by the policy's resource patterns (typically the service ARN), so a
 * request's resource is compared with it once rather than once per statement. Empty when fewer
 * than two patterns share at least 16 characters, or when an ARN prefix stops before the fifth
 * colon (segment rules would then apply inside it).
 */
export function sharedResourcePrefix(patterns: readonly string[]): string {
  let prefix: string | undefined;
  let count = 0;
  for (const text of patterns) {
    const cut = [text.indexOf('*'), text.indexOf('?'), text.indexOf('${')].filter((i) => i >= 0);
    const head = text.slice(0, cut.length === 0 ? text.length : Math.min(...cut));
    if (head === '') continue;
    count++;
    if (prefix === undefined) prefix = head;
    else {
      let i = 0;
      while (i < prefix.length && i < head.length && prefix[i] === head[i]) i++;
      prefix = prefix.slice(0, i);
    }
  }
  if (prefix === undefined || count < 2 || prefix.length < MIN_SHARED_PREFIX) return '';
  if (prefix.startsWith('arn:') && fifthColon(prefix) < 0) return '';
  return prefix;
}

const ARN_PATTERN_MESSAGES = {
  'resource.format':
    'an ARN needs six colon-separated parts, or fewer when the pattern ends with a * in the region or account part, which stands for the rest',
  'resource.service_wildcard': 'no wildcard in the service segment',
  'resource.variable_position': 'variables only in the resource part',
} as const;

/** What is wrong with an ARN pattern, or undefined. */
function arnPatternRule(
  text: string,
  variables: boolean,
): keyof typeof ARN_PATTERN_MESSAGES | undefined {
  const segments = text.split(':');
  const service = segments[2];
  if (service === undefined) return 'resource.format';
  if (service.includes('*') || service.includes('?')) return 'resource.service_wildcard';
  const end = fifthColon(text);
  if (variables && (end < 0 ? text : text.slice(0, end)).includes('${')) {
    return 'resource.variable_position';
  }
  // Fewer than six parts can match an ARN only through a `*` that ends the pattern in the region or
  // account part and runs past the colons (a `*` with more pattern after it stays in its part).
  if (end < 0) {
    const last = segments[segments.length - 1]!;
    if (segments.length < 4 || !last.endsWith('*') || last.includes('/')) return 'resource.format';
  }
  return undefined;
}

export function compileResources(
  patterns: readonly Located[],
  variables: boolean,
  issues: Issues,
  keyRef: (key: string) => KeyRef,
  shared = '',
): (env: RequestEnv) => boolean {
  const matchers: Matcher[] = [];
  for (const { text, path } of patterns) {
    if (text === '') {
      issues.add(path, 'value.empty', 'an empty resource matches nothing');
      continue;
    }
    const isArn = text.startsWith('arn:');
    if (isArn) {
      const rule = arnPatternRule(text, variables);
      if (rule !== undefined) {
        issues.add(path, rule, ARN_PATTERN_MESSAGES[rule]);
        continue;
      }
    }
    const template = parseTemplate(text, variables);
    if (!template.ok) {
      issues.add(path, 'variable.syntax', template.message);
      continue;
    }
    if (shared !== '' && text.startsWith(shared)) {
      // The shared prefix holds the five ARN colons, so the rest is one plain pattern.
      const rest = parseTemplate(text.slice(shared.length), variables);
      if (rest.ok) {
        const start = shared.length;
        const tail = compileGlob(rest.parts, {
          wildcards: true,
          arn: false,
          fold: false,
          keyRef,
          start,
        });
        matchers.push((v, env) => env.resourceHasPrefix(shared) && tail(v, env));
        continue;
      }
    }
    matchers.push(
      compileGlob(template.parts, {
        wildcards: true,
        arn: isArn,
        expand: true,
        fold: false,
        keyRef,
      }),
    );
  }
  if (matchers.length === 1) {
    const only = matchers[0]!;
    return (env) => only(env.request.resource, env);
  }
  return (env) => {
    const resource = env.request.resource;
    for (const m of matchers) if (m(resource, env)) return true;
    return false;
  };
}
