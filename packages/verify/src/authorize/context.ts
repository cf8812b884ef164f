// Builds the policy request for one HTTP request (docs/specs/policy.md, "Request context for HTTP"):
// action `vpc-lattice-svcs:Invoke`, resource `<serviceArn><path>`, the Lattice keys and the `aws:`
// keys. `aws:PrincipalType` is always set — `Anonymous` without a token — so that a guard such as
// `StringNotEquals aws:PrincipalType Anonymous` works. Principal keys come only from the verified
// token; request keys only from the request. The Authorization header is left out: it is the
// credential itself, and explanations and logs must never carry it.
// Headers and query strings are the open-ended part of a request (a browser sends a dozen headers),
// and most policies read none of them: only those the policies name are copied (ContextNeeds,
// worked out once per authorizer from each compiled policy's `contextKeys`).

import type { Principal } from '@rolegate/core';
import type {
  CompiledPolicy,
  ContextValue,
  PolicyPrincipal,
  PolicyRequest,
} from '@rolegate/policy';
import type { SplitTarget } from './path.ts';
import { type HttpRequestInfo, plainIp } from './request-info.ts';

export const INVOKE_ACTION = 'vpc-lattice-svcs:Invoke';

export interface ServiceInfo {
  readonly serviceArn: string;
  readonly serviceNetworkArn: string | undefined;
  /** Account id → organization id, for `aws:PrincipalOrgID`. */
  readonly orgIds: Readonly<Record<string, string>> | undefined;
}

/** The request-dependent keys the policies can read. */
export interface ContextNeeds {
  /** Lower-case names of the headers the policies read; undefined: every header. */
  readonly headers: ReadonlySet<string> | undefined;
  /** Whether any policy reads a `vpc-lattice-svcs:RequestQueryString/*` key. */
  readonly query: boolean;
  /** Lower-case names of the query-string keys the policies read; undefined: every key. */
  readonly queryKeys: ReadonlySet<string> | undefined;
}

const HEADER_PREFIX = 'vpc-lattice-svcs:requestheader/';
const QUERY_PREFIX = 'vpc-lattice-svcs:requestquerystring/';

/** What `tiers` can read; a policy that does not list its keys is taken to read every one. */
export function contextNeeds(tiers: readonly CompiledPolicy[]): ContextNeeds {
  const headers = new Set<string>();
  const queryKeys = new Set<string>();
  for (const tier of tiers) {
    if (tier.contextKeys === undefined) {
      return Object.freeze({ headers: undefined, query: true, queryKeys: undefined });
    }
    for (const key of tier.contextKeys) {
      if (key.startsWith(HEADER_PREFIX)) headers.add(key.slice(HEADER_PREFIX.length));
      else if (key.startsWith(QUERY_PREFIX)) queryKeys.add(key.slice(QUERY_PREFIX.length));
    }
  }
  return Object.freeze({ headers, query: queryKeys.size > 0, queryKeys });
}

// Header, query and tag names repeat on every request: build each prefixed key once per name.
function prefixer(prefix: string): (name: string) => string {
  const built = new Map<string, string>();
  return (name) => {
    let k = built.get(name);
    if (k === undefined) {
      if (built.size >= 4096) built.clear(); // hostile names cannot grow it without limit
      k = prefix + name;
      built.set(name, k);
    }
    return k;
  };
}
const headerKey = prefixer('vpc-lattice-svcs:RequestHeader/');
const queryKey = prefixer('vpc-lattice-svcs:RequestQueryString/');
const tagKey = prefixer('aws:PrincipalTag/');

// aws:CurrentTime has one-second resolution: format it once per second, not once per request.
let isoSecond = -1;
let isoText = '';
function currentTime(epochSeconds: number): string {
  if (epochSeconds !== isoSecond) {
    isoSecond = epochSeconds;
    isoText = new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return isoText;
}

function addQuery(ctx: Record<string, ContextValue>, query: string): void {
  if (query === '') return;
  for (const [name, value] of new URLSearchParams(query)) {
    const k = queryKey(name);
    const prior = ctx[k];
    ctx[k] =
      prior === undefined
        ? value
        : Array.isArray(prior)
          ? [...prior, value]
          : [prior as string, value];
  }
}

function addPrincipal(ctx: Record<string, ContextValue>, p: Principal, service: ServiceInfo): void {
  ctx['aws:PrincipalArn'] = p.arn;
  ctx['aws:PrincipalAccount'] = p.account;
  ctx['aws:userid'] = p.userId;
  if (p.type === 'User') ctx['aws:username'] = p.arn.slice(p.arn.lastIndexOf('/') + 1);
  if (p.sessionName !== undefined) ctx['rolegate:SessionName'] = p.sessionName;
  if (p.sourceIdentity !== undefined) ctx['aws:SourceIdentity'] = p.sourceIdentity;
  const org = service.orgIds?.[p.account];
  if (org !== undefined) ctx['aws:PrincipalOrgID'] = org;
  for (const tag in p.tags) ctx[tagKey(tag)] = p.tags[tag]!;
}

// Adapters pass lower-case names (node:http and fetch Headers do); a name in another case still
// counts as the same header, as condition keys are case-insensitive, so a policy's Deny on a
// header cannot be dodged by spelling its name differently.
function addHeaders(
  ctx: Record<string, ContextValue>,
  headers: HttpRequestInfo['headers'],
  names: ReadonlySet<string> | undefined,
): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'authorization' || (names !== undefined && !names.has(lower))) continue;
    ctx[headerKey(name)] = typeof value === 'string' ? value : value.join(', ');
  }
}

/**
 * The policy request for `info` from `principal` (null: anonymous), with the path already split,
 * carrying the headers and query strings `needs` names and every other key of the request.
 */
export function buildPolicyRequest(
  principal: Principal | null,
  info: HttpRequestInfo,
  target: SplitTarget,
  service: ServiceInfo,
  needs: ContextNeeds,
  nowMs: number,
): PolicyRequest {
  const epoch = Math.floor(nowMs / 1000);
  const ctx: Record<string, ContextValue> = {
    'vpc-lattice-svcs:RequestMethod': info.method,
    'vpc-lattice-svcs:RequestPath': target.path,
    'vpc-lattice-svcs:ServiceArn': service.serviceArn,
    'aws:PrincipalType': principal === null ? 'Anonymous' : principal.type,
    'aws:SecureTransport': info.secure === true,
    'aws:CurrentTime': currentTime(epoch),
    'aws:EpochTime': epoch,
  };
  if (service.serviceNetworkArn !== undefined) {
    ctx['vpc-lattice-svcs:ServiceNetworkArn'] = service.serviceNetworkArn;
  }
  if (info.port !== undefined) ctx['vpc-lattice-svcs:Port'] = String(info.port);
  const ip = plainIp(info.sourceIp);
  if (ip !== undefined) ctx['aws:SourceIp'] = ip;
  addHeaders(ctx, info.headers, needs.headers);
  if (needs.query) addQuery(ctx, target.query);
  let policyPrincipal: PolicyPrincipal | null = null;
  if (principal !== null) {
    addPrincipal(ctx, principal, service);
    // The session ARN lets a policy name one session as well as the role (any of its sessions).
    policyPrincipal = {
      arn: principal.sessionArn,
      account: principal.account,
      tags: principal.tags,
    };
  }
  return {
    principal: policyPrincipal,
    action: INVOKE_ACTION,
    resource: service.serviceArn + target.path,
    context: ctx,
  };
}
