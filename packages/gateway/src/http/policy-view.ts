// The headers a service's policies see: exactly the client headers the upstream will receive (the
// canonical request's), and only those some policy reads. A header or query-string key a policy
// reads must have one value: sent twice, it is refused (400) rather than guessed at, because
// backends disagree on what a repeated header means — Go's `Header.Get` and Java's `getHeader`
// read the first value, Node and WSGI join them with commas, PHP reads the last — and a policy
// that decided on any one of those readings would be wrong for the others. With
// `underscoresInHeaders` on, a header spelled `x_tenant` is refused when a policy reads `x-tenant`:
// WSGI and CGI backends read the two as one.

import type { ContextNeeds } from '@rolegate/verify';
import { GatewayError } from '../errors/gateway-error.ts';
import { foldedName } from '../proxy/request-headers.ts';
import type { CanonicalRequest } from './canonical-request.ts';

/** Header name → its one value, for the names `reads` lists (every name when it lists none). */
export function policyHeaders(
  request: CanonicalRequest,
  reads: ContextNeeds,
): Record<string, string> {
  const names = reads.headers;
  // No prototype: a header may be called `constructor` or (with underscores on) `__proto__`.
  const out: Record<string, string> = Object.create(null);
  if (names !== undefined && names.size === 0) return out;
  const list = request.headers;
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!;
    const folded = foldedName(name);
    if (names !== undefined && !names.has(folded)) continue;
    if (folded !== name) {
      throw new GatewayError(
        'request.bad_header_name',
        `header ${name} spelled with "_" where a policy reads ${folded}`,
      );
    }
    if (out[name] !== undefined) {
      throw new GatewayError('request.duplicate_header', `header ${name} sent more than once`);
    }
    out[name] = list[i + 1]!;
  }
  if (request.host !== undefined && (names === undefined || names.has('host'))) {
    out.host = request.host.header;
  }
  return out;
}

/**
 * The name a query key has for PHP and `qs` (Express 4, many Node apps): what comes before `[`
 * (`role[]`, `role[0]` are `role` as an array), with `.` and space as `_` (PHP), lower-cased (the
 * policy's key names are).
 */
function foldedKey(name: string): string {
  const bracket = name.indexOf('[');
  const base = bracket < 0 ? name : name.slice(0, bracket);
  return base.toLowerCase().replace(/[. ]/g, '_');
}

/**
 * Refuses what would give a query key a policy reads more than one reading: the key sent twice
 * (in any case), sent under a spelling PHP or `qs` read as that key (`role[]=admin`,
 * `ro.le=admin` for a policy reading `ro_le`), or a `;` in the query — some servers (Rack before
 * 3, old Python, Tomcat's path parameters) split on it as on `&`, so `?x=1;role=admin` has a
 * `role` to them and none to the policy.
 */
export function checkQueryKeys(request: CanonicalRequest, reads: ContextNeeds): void {
  if (!reads.query || request.target.query === '') return;
  if (request.target.query.includes(';')) {
    throw new GatewayError('request.bad_query', 'a ";" in a query string a policy reads');
  }
  const keys = reads.queryKeys;
  const folded = keys === undefined ? undefined : new Set([...keys].map(foldedKey));
  const seen = new Set<string>();
  for (const [name] of new URLSearchParams(request.target.query)) {
    const lower = name.toLowerCase();
    const fold = foldedKey(name);
    if (folded !== undefined && !folded.has(fold)) continue;
    if (fold !== lower.replace(/[. ]/g, '_') || (keys !== undefined && !keys.has(lower))) {
      throw new GatewayError(
        'request.bad_query',
        `query key ${name.slice(0, 64)} is read as ${fold} by some servers`,
      );
    }
    if (seen.has(fold)) {
      throw new GatewayError(
        'request.duplicate_parameter',
        `query key ${name.slice(0, 64)} sent more than once`,
      );
    }
    seen.add(fold);
  }
}
