// A policy resource that names a service but can never match one of its requests is almost always
// the Lattice trap: the resource is the service ARN followed by the *full* request path, so for a
// service mounted at `/billing` a Deny on `…/service/billing/admin*` never matches — the requests
// are `…/service/billing/billing/admin…`. Found at load and logged as a warning (a policy may
// legitimately be shared, so it is not refused).
//
// The test is conservative: a pattern is reported only when even the loosest glob reading (`*`
// any run of characters, `?` any one) can match the service ARN followed by something, but
// cannot match it followed by any path the service receives (its prefix, then nothing or `/…`).

function closure(pattern: string, states: Iterable<number>): Set<number> {
  const out = new Set<number>();
  for (let q of states) {
    out.add(q);
    while (pattern[q] === '*') out.add(++q);
  }
  return out;
}

/** Pattern positions reachable after `text`, from the start. */
function statesAfter(pattern: string, text: string): Set<number> {
  let states = closure(pattern, [0]);
  for (const ch of text) {
    const next: number[] = [];
    for (const q of states) {
      const p = pattern[q];
      if (p === '*') next.push(q);
      else if (p === '?' || p === ch) next.push(q + 1);
    }
    states = closure(pattern, next);
    if (states.size === 0) break;
  }
  return states;
}

/** Whether `pattern` can match some `<serviceArn><pathPrefix>` followed by nothing or `/…`. */
function reachesRoutes(pattern: string, serviceArn: string, pathPrefix: string): boolean {
  const prefix = pathPrefix.endsWith('/') ? pathPrefix.slice(0, -1) : pathPrefix;
  for (const q of statesAfter(pattern, serviceArn + prefix)) {
    if (q === pattern.length) return true; // the prefix itself
    const p = pattern[q];
    if (p === '*' || p === '?' || p === '/') return true;
  }
  return false;
}

function resourcesOf(statement: unknown): string[] {
  if (typeof statement !== 'object' || statement === null) return [];
  const resource = (statement as { Resource?: unknown }).Resource;
  const list = Array.isArray(resource) ? resource : [resource];
  return list.filter((r): r is string => typeof r === 'string');
}

/** Resources of `document` that name the service but none of the paths it is routed. */
export function unreachableResources(
  document: unknown,
  serviceArn: string,
  pathPrefix: string,
): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const statement = (document as { Statement?: unknown }).Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  const found: string[] = [];
  for (const s of statements) {
    for (const pattern of resourcesOf(s)) {
      // Another service whose ARN merely starts with this one's is not this service.
      const namesService = reachesRoutes(pattern, serviceArn, '/');
      if (namesService && !reachesRoutes(pattern, serviceArn, pathPrefix)) found.push(pattern);
    }
  }
  return found;
}
