// The gateway's decision for one request, in a fixed order; the first failure answers. 1. the
// request is read once into its canonical form (canonical-request.ts: path, Host, singleton
// headers, header names) — routing, the policy, the log and the upstream all use that one form;
// 2. the service is found; 3. the headers and query keys the policies read have one value each;
// 4. the caller is identified (no credential = anonymous; a failing one is refused, never
// downgraded); 5. the policy tiers decide. Used alike by ordinary requests and WebSocket upgrades, so an
// upgrade is authorized before anything reaches the upstream. Synchronous unless a credential
// check has to wait (a JWKS fetch, STS): the common request costs no promise.

import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { GatewayError } from '../errors/gateway-error.ts';
import { type Caller, identifyCaller } from '../identity/credential.ts';
import type { CertificateKind } from '../identity/x509-kind.ts';
import type { DecisionLabel } from '../ops/metrics.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ServiceRuntime } from '../runtime/service-runtime.ts';
import { traceAuthenticate, traceAuthorize } from '../tracing/request-spans.ts';
import { type CanonicalRequest, readRequest } from './canonical-request.ts';
import { checkQueryKeys, policyHeaders } from './policy-view.ts';
import type { RequestState } from './request-state.ts';

export interface Admission {
  readonly service: ServiceRuntime;
  /** The one reading of the request: what was routed, decided, logged, and is forwarded. */
  readonly request: CanonicalRequest;
  readonly caller: Caller | null;
  readonly decision: DecisionLabel;
}

/**
 * The connection a request came over, as the policy keys aws:SourceIp, aws:SecureTransport and
 * Port read it: the socket itself in the proxy mode (a Socket has these fields), what the proxy
 * vouches for in forward auth.
 */
export interface RequestOrigin {
  readonly remoteAddress?: string | undefined;
  readonly encrypted?: boolean | undefined;
  readonly localPort?: number | undefined;
}

function decide(
  origin: RequestOrigin,
  service: ServiceRuntime,
  request: CanonicalRequest,
  headers: Record<string, string>,
  caller: Caller | null,
  state: RequestState,
): Admission {
  const principal = caller?.principal ?? null;
  state.principal = principal?.sessionArn ?? 'Anonymous';
  let decision: DecisionLabel = 'ImplicitDeny';
  const authorizer = service.authorizer;
  if (authorizer !== undefined) {
    decision = traceAuthorize(
      () =>
        authorizer.authorize(principal, {
          method: request.method,
          url: service.caseInsensitivePaths ? lowerCaseUrl(request) : request.url,
          headers,
          sourceIp: origin.remoteAddress,
          secure: origin.encrypted === true,
          port: origin.localPort,
        }).decision,
    );
  }
  service.metrics.decision(decision);
  state.decision = decision;
  if (decision !== 'Allow') {
    // As the verify middleware does: credentials might change an anonymous caller's outcome.
    throw principal === null
      ? new GatewayError('token.missing', `anonymous request: ${decision}`)
      : new GatewayError('request.denied', `${principal.sessionArn}: ${decision}`);
  }
  return { service, request, caller, decision };
}

/** `/Billing/ADMIN?x=Y` → `/billing/admin?x=Y`: the path in ASCII lower case, the query as sent. */
function lowerCaseUrl(request: CanonicalRequest): string {
  const path = request.target.path.toLowerCase();
  return request.target.query === '' ? path : `${path}?${request.target.query}`;
}

/**
 * A path that routes to another service when lower-cased is refused: a case-insensitive upstream
 * (Express's default) would serve `/BILLING/admin` as the `/billing` service's page while the
 * gateway routed it — and decided on it — as the `/` service's.
 */
function checkCaseRouting(runtime: Runtime, request: CanonicalRequest, service: ServiceRuntime) {
  const path = request.target.path;
  if (!/[A-Z]/.test(path)) return;
  if (runtime.routes.match(request.host?.name, path.toLowerCase()) !== service) {
    throw new GatewayError('request.bad_path', 'routes to another service in another letter case');
  }
}

/**
 * Decides `req`: the admission to forward, or a promise of it when a credential check must wait.
 * A refusal is a GatewayError, thrown or rejected.
 */
export function admit(
  req: IncomingMessage,
  runtime: Runtime,
  state: RequestState,
): Admission | Promise<Admission> {
  const socket = req.socket as Socket & Partial<TLSSocket>;
  return admitRead(
    readRequest(req, runtime.config),
    socket,
    socket,
    runtime.kinds.x509,
    runtime,
    state,
  );
}

/**
 * admit() for a request already read (forward auth reads the original request a proxy describes
 * with the same readRequest): `origin` is where it came from, and `certificates` is undefined
 * where no TLS client certificate of the caller's own can be seen.
 */
export function admitRead(
  request: CanonicalRequest,
  origin: RequestOrigin,
  socket: Socket,
  certificates: CertificateKind | undefined,
  runtime: Runtime,
  state: RequestState,
): Admission | Promise<Admission> {
  state.path = request.target.path;
  const service = runtime.routes.match(request.host?.name, request.target.path);
  if (service === undefined) throw new GatewayError('request.no_route');
  state.service = service.name;
  checkCaseRouting(runtime, request, service);
  if (service.mode === 'pass-through') {
    service.metrics.decision('NotRequired');
    state.decision = 'NotRequired';
    return { service, request, caller: null, decision: 'NotRequired' };
  }
  // Before the credential is read: a refused request must not spend a single-use STS proof.
  let headers: Record<string, string> = {};
  if (service.authorizer !== undefined) {
    headers = policyHeaders(request, service.authorizer.reads);
    checkQueryKeys(request, service.authorizer.reads);
  }
  const caller = traceAuthenticate(() =>
    identifyCaller(
      request.authorization,
      runtime.kinds.byScheme,
      service.audience,
      socket,
      certificates,
    ),
  );
  return caller instanceof Promise
    ? caller.then((c) => decide(origin, service, request, headers, c, state))
    : decide(origin, service, request, headers, caller, state);
}
