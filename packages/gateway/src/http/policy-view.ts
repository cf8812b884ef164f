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
 * Refuses a query-string key a policy reads that appears more than once (any case), and a `;` in a
 * query a policy reads: some servers (Rack before 3, old Python, Tomcat's path parameters) split
 * on it as on `&`, so `?x=1;role=admin` has a `role` to them and none to the policy.
 */
export function checkQueryKeys(request: CanonicalRequest, reads: ContextNeeds): void {
  if (!reads.query || request.target.query === '') return;
  if (request.target.query.includes(';')) {
    throw new GatewayError('request.bad_query', 'a ";" in a query string a policy reads');
  }
  const keys = reads.queryKeys;
  const seen = new Set<string>();
  for (const [name] of new URLSearchParams(request.target.query)) {
    const lower = name.toLowerCase();
    if (keys !== undefined && !keys.has(lower)) continue;
    if (seen.has(lower)) {
      throw new GatewayError(
        'request.duplicate_parameter',
        `query key ${name.slice(0, 64)} sent more than once`,
      );
    }
    seen.add(lower);
  }
}
