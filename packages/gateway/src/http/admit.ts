// The gateway's decision for one request, in a fixed order; the first failure answers. 1. headers
// that must appear once (Authorization, Host) appear once; 2. the path is normalised once — dot
// segments removed, `%2F`, backslashes, NUL and bad escapes refused — and routing, the policy and
// the upstream all see that same path; 3. the service is found; 4. the caller is identified (no
// credential = anonymous; a failing one is refused, never downgraded); 5. the policy tiers decide.
// Used alike by ordinary requests and WebSocket upgrades, so an upgrade is authorized before
// anything reaches the upstream. Synchronous unless a credential check has to wait (a JWKS fetch,
// STS): the common request costs no promise.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isVerifyError, type SplitTarget, splitTarget } from '@rolegate/verify';
import { fromVerifyError, GatewayError } from '../errors/gateway-error.ts';
import { type Caller, identifyCaller } from '../identity/credential.ts';
import type { DecisionLabel } from '../ops/metrics.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ServiceRuntime } from '../runtime/service-runtime.ts';
import type { RequestState } from './request-state.ts';

export interface Admission {
  readonly service: ServiceRuntime;
  /** The normalised path (what the policy saw) and the raw query, as forwarded upstream. */
  readonly target: SplitTarget;
  readonly caller: Caller | null;
  readonly decision: DecisionLabel;
}

/** Refuses a second Authorization or Host header: Node keeps the first, others may read the last. */
function checkSingletons(raw: readonly string[]): void {
  let authorization = 0;
  let host = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') authorization++;
    else if (name.length === 4 && name.toLowerCase() === 'host') host++;
  }
  if (authorization > 1 || host > 1) {
    throw new GatewayError(
      'request.duplicate_header',
      authorization > 1 ? 'more than one Authorization header' : 'more than one Host header',
    );
  }
}

function normalisedTarget(url: string | undefined): SplitTarget {
  try {
    return splitTarget(url ?? '');
  } catch (error) {
    if (isVerifyError(error)) throw fromVerifyError(error);
    throw error;
  }
}

function decide(
  req: IncomingMessage,
  service: ServiceRuntime,
  target: SplitTarget,
  caller: Caller | null,
  state: RequestState,
): Admission {
  const principal = caller?.principal ?? null;
  state.principal = principal?.sessionArn ?? 'Anonymous';
  let decision: DecisionLabel = 'ImplicitDeny';
  if (service.authorizer !== undefined) {
    const socket = req.socket as Partial<TLSSocket>;
    const url = target.query === '' ? target.path : `${target.path}?${target.query}`;
    decision = service.authorizer.authorize(principal, {
      method: req.method ?? '',
      url,
      headers: req.headers,
      sourceIp: req.socket.remoteAddress,
      secure: socket.encrypted === true,
      port: req.socket.localPort,
    }).decision;
  }
  service.metrics.decision(decision);
  state.decision = decision;
  if (decision !== 'Allow') {
    // As the verify middleware does: credentials might change an anonymous caller's outcome.
    throw principal === null
      ? new GatewayError('token.missing', `anonymous request: ${decision}`)
      : new GatewayError('request.denied', `${principal.sessionArn}: ${decision}`);
  }
  return { service, target, caller, decision };
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
  checkSingletons(req.rawHeaders);
  const target = normalisedTarget(req.url);
  state.path = target.path;
  const service = runtime.routes.match(req.headers.host, target.path);
  if (service === undefined) throw new GatewayError('request.no_route');
  state.service = service.name;
  if (service.mode === 'pass-through') {
    service.metrics.decision('NotRequired');
    state.decision = 'NotRequired';
    return { service, target, caller: null, decision: 'NotRequired' };
  }
  const caller = identifyCaller(
    req.headers.authorization,
    runtime.kinds.byScheme,
    service.audience,
    req.socket,
    runtime.kinds.x509,
  );
  return caller instanceof Promise
    ? caller.then((c) => decide(req, service, target, c, state))
    : decide(req, service, target, caller, state);
}
