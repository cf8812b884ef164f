// How long a proxy may keep an Allow. A cached decision is replayed for every request with the
// same cache key — Authorization, method, host and URI in the documented nginx `proxy_cache_key` —
// so it may be cached only when nothing outside that key could change it:
// - the caller proved itself with a bearer token (an STS proof is single-use: a cache would let it
//   through again; an anonymous or certificate caller has no token in the key to expire with);
// - every policy of the service lists its condition keys, and each is the principal's, the method,
//   the path, the Host or the service's own ARNs — not the time, the source address, TLS, the
//   port, another header or the query;
// - and never past the token's `exp`, nor past `forwardAuth.decisionCacheSeconds`.
// Refusals are never cached: a 401 must go away the moment a fresh token arrives, a 503 is
// transient, and a 403 is cheap to recompute.

import type { Admission } from '../http/admit.ts';

/** Condition keys (lower case) a cached decision may depend on. */
const CACHEABLE = new Set([
  'aws:principaltype',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:userid',
  'aws:username',
  'aws:sourceidentity',
  'rolegate:sessionname',
  'vpc-lattice-svcs:requestmethod',
  'vpc-lattice-svcs:requestpath',
  'vpc-lattice-svcs:servicearn',
  'vpc-lattice-svcs:servicenetworkarn',
  'vpc-lattice-svcs:requestheader/host',
]);

const TAG_PREFIX = 'aws:principaltag/';

const verdict = new WeakMap<ReadonlySet<string>, boolean>();

/** Whether every key is one the cache key covers; remembered per (frozen) key set. */
function onlyCacheableKeys(keys: ReadonlySet<string>): boolean {
  const known = verdict.get(keys);
  if (known !== undefined) return known;
  let ok = true;
  for (const key of keys) {
    if (!CACHEABLE.has(key) && !key.startsWith(TAG_PREFIX)) ok = false;
  }
  verdict.set(keys, ok);
  return ok;
}

/** Seconds a proxy may keep this Allow; 0 = not at all. */
export function cacheSeconds(admission: Admission, boundSeconds: number, nowMs: number): number {
  if (boundSeconds <= 0 || admission.decision !== 'Allow') return 0;
  const { caller, service } = admission;
  if (caller?.kind !== 'jwt') return 0;
  const keys = service.policyKeys;
  if (keys === undefined || !onlyCacheableKeys(keys)) return 0;
  const remaining = Math.floor(caller.principal.expiresAt - nowMs / 1000);
  return Math.max(0, Math.min(boundSeconds, remaining));
}

/**
 * The caching headers of an answer. `X-Accel-Expires` comes first: nginx then takes the time from
 * it and does not read Cache-Control, whose `private` (right for every shared cache that does not
 * key on Authorization) would stop nginx's `proxy_cache` from keeping the decision at all.
 */
export function cachingHeaders(seconds: number): Record<string, string> {
  return seconds > 0
    ? { 'x-accel-expires': String(seconds), 'cache-control': `private, max-age=${seconds}` }
    : { 'x-accel-expires': '0', 'cache-control': 'no-store' };
}
