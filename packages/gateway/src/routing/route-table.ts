// Which service a request belongs to, from its canonical host name and canonical path (never the
// raw ones: `/public/../admin` must not match a `/public` rule). Hosts are tried from most to least
// specific — exact name, then `*.suffix` (longest suffix first), then services with no host list —
// and within the first host tier that has a match, the longest path prefix wins. A prefix matches
// on segment boundaries: `/api` matches `/api` and `/api/x`, never `/apix`.

export interface RouteEntry<T> {
  /** Lower-case host names or `*.suffix` patterns; undefined = any host. */
  readonly hosts: readonly string[] | undefined;
  readonly pathPrefix: string;
  readonly target: T;
}

interface Rule<T> {
  readonly prefix: string;
  readonly target: T;
}

export interface RouteTable<T> {
  /** `host`: the canonical host name (http/host.ts: lower case, no port, no trailing dot). */
  match(host: string | undefined, path: string): T | undefined;
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/' || path === prefix) return true;
  if (!path.startsWith(prefix)) return false;
  return prefix.endsWith('/') || path.charCodeAt(prefix.length) === 0x2f;
}

function firstMatch<T>(rules: readonly Rule<T>[] | undefined, path: string): T | undefined {
  if (rules === undefined) return undefined;
  for (const rule of rules) if (prefixMatches(rule.prefix, path)) return rule.target;
  return undefined;
}

export function buildRouteTable<T>(entries: readonly RouteEntry<T>[]): RouteTable<T> {
  const exact = new Map<string, Rule<T>[]>();
  const wildcard = new Map<string, Rule<T>[]>(); // suffix with its leading dot → rules
  const anyHost: Rule<T>[] = [];
  const add = (map: Map<string, Rule<T>[]>, key: string, rule: Rule<T>) => {
    const list = map.get(key) ?? [];
    list.push(rule);
    map.set(key, list);
  };
  for (const entry of entries) {
    const rule = { prefix: entry.pathPrefix, target: entry.target };
    if (entry.hosts === undefined) anyHost.push(rule);
    for (const host of entry.hosts ?? []) {
      if (host.startsWith('*.')) add(wildcard, host.slice(1), rule);
      else add(exact, host, rule);
    }
  }
  const byLongestPrefix = (a: Rule<T>, b: Rule<T>) => b.prefix.length - a.prefix.length;
  for (const list of [...exact.values(), ...wildcard.values(), anyHost]) list.sort(byLongestPrefix);
  const suffixes = [...wildcard.keys()].sort((a, b) => b.length - a.length);

  return {
    match(host, path) {
      if (host !== undefined) {
        const hit = firstMatch(exact.get(host), path);
        if (hit !== undefined) return hit;
        for (const suffix of suffixes) {
          if (host.length > suffix.length && host.endsWith(suffix)) {
            const found = firstMatch(wildcard.get(suffix), path);
            if (found !== undefined) return found;
          }
        }
      }
      return firstMatch(anyHost, path);
    },
  };
}
