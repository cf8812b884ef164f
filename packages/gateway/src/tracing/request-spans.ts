// A gateway request as a trace: a server span per request, continued from the caller's
// `traceparent`, with children rolegate.authenticate (token, STS proof — whose own proof, replay and
// STS spans sit under it — or client certificate), rolegate.authorize (the policy tiers) and
// rolegate.upstream (the proxied call, whose context the upstream receives as its `traceparent`).
// Recorded: method, canonical path, status, service, credential kind, principal type, decision,
// and on a refusal the stable code. Never recorded: the Authorization value, a token, a proof, a
// certificate, the principal's ARN, the query string, header values.
// With no tracer provider registered every span here is the api's no-op: no attribute is built.
import type { IncomingMessage } from 'node:http';
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { incomingTraceContext, inSpan, tracingActive, UNRECORDED_SPAN } from '@rolegate/identity';
import type { RequestState } from '../http/request-state.ts';
import type { Caller } from '../identity/credential.ts';

const tracer: Tracer = trace.getTracer('@rolegate/gateway');

/** Methods recorded as sent; any other is `_OTHER`, as the HTTP conventions say (a client picks it). */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

function methodOf(req: IncomingMessage): string {
  const method = req.method ?? '';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

export interface RequestTrace {
  readonly span: Span;
  /** The context whose active span is the request's: its steps' parent. */
  readonly context: Context;
  /** False when nothing could observe the trace (tracingActive): every step skips the api. */
  readonly active: boolean;
}

/** The trace of every request while tracing is off: shared, never recorded, never propagated. */
const UNTRACED: RequestTrace = Object.freeze({
  span: UNRECORDED_SPAN,
  context: context.active(),
  active: false,
});

/** Opens the request's server span, a child of the caller's trace when it sent one. */
export function startRequestTrace(req: IncomingMessage): RequestTrace {
  if (!tracingActive()) return UNTRACED;
  const parent = incomingTraceContext(req.headers);
  const method = methodOf(req);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': method,
      'url.scheme': (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
      'network.protocol.version': req.httpVersion,
    });
  }
  return { span, context: trace.setSpan(parent, span), active: true };
}

/** Runs `step` with the request's span active, so the steps' spans are its children. */
export function inRequestTrace<T>(requestTrace: RequestTrace, step: () => T): T {
  return requestTrace.active ? context.with(requestTrace.context, step) : step();
}

/** Closes the server span with what the request state learnt; a refusal is an ERROR with its code. */
export function finishRequestTrace(
  requestTrace: RequestTrace,
  status: number,
  state: RequestState,
): void {
  const { span } = requestTrace;
  if (span.isRecording()) {
    span.setAttributes({
      'http.response.status_code': status,
      'url.path': state.path,
      'rolegate.service': state.service,
      'rolegate.decision': state.decision,
    });
    if (state.sourceIp !== undefined) span.setAttribute('client.address', state.sourceIp);
    if (state.code !== undefined) {
      span.setAttributes({ 'rolegate.code': state.code, 'error.type': state.code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: state.code });
    } else if (status >= 500) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end();
}

/**
 * The credential check. The kind (jwt, sts, x509, or none for an anonymous caller) and the
 * principal's type are recorded once known; a failed check carries its code (token.*, sts.*, cert.*).
 */
export function traceAuthenticate(
  authenticate: () => Caller | null | Promise<Caller>,
): Caller | null | Promise<Caller> {
  return inSpan(tracer, 'rolegate.authenticate', {}, (span) => {
    const caller = authenticate();
    if (!span.isRecording()) return caller;
    const note = <C extends Caller | null>(c: C): C => {
      span.setAttributes({
        'rolegate.credential_kind': c?.kind ?? 'none',
        'rolegate.principal_type': c?.principal.type ?? 'Anonymous',
      });
      return c;
    };
    return caller instanceof Promise ? caller.then(note) : note(caller);
  });
}

/** The policy tiers' decision. */
export function traceAuthorize<T extends string>(decide: () => T): T {
  return inSpan(tracer, 'rolegate.authorize', {}, (span) => {
    const decision = decide();
    if (span.isRecording()) span.setAttribute('rolegate.decision', decision);
    return decision;
  });
}

/** The upstream call's client span, and the context to send upstream. */
export function startUpstreamTrace(
  requestTrace: RequestTrace,
  req: IncomingMessage,
  service: string,
  path: string,
): RequestTrace {
  if (!requestTrace.active) return UNTRACED;
  const span = tracer.startSpan(
    'rolegate.upstream',
    { kind: SpanKind.CLIENT },
    requestTrace.context,
  );
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': methodOf(req),
      'url.path': path.split('?', 1)[0]!,
      'rolegate.service': service,
    });
  }
  return { span, context: trace.setSpan(requestTrace.context, span), active: true };
}

/** Ends the upstream span: the status the upstream answered, or the gateway's code for a failure. */
export function finishUpstreamTrace(
  upstreamTrace: RequestTrace,
  status: number | undefined,
  code: string | undefined,
): void {
  const { span } = upstreamTrace;
  if (span.isRecording()) {
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (code !== undefined) {
      span.setAttributes({ 'rolegate.code': code, 'error.type': code });
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    }
  }
  span.end();
}

/**
 * The upstream's headers with the trace context of `upstreamTrace` (W3C `traceparent`,
 * `tracestate`, as the registered propagator writes them) in place of any the client sent: the
 * upstream's parent is the gateway's upstream span, not the caller's. With no propagator
 * registered nothing is written and the client's headers pass as they came.
 */
export function withTraceHeaders(headers: string[], upstreamTrace: RequestTrace): string[] {
  if (!upstreamTrace.active) return headers;
  const carrier: Record<string, string> = {};
  propagation.inject(upstreamTrace.context, carrier);
  const names = Object.keys(carrier);
  if (names.length === 0) return headers;
  const replaced = new Set(names.map((name) => name.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!replaced.has(headers[i]!.toLowerCase())) out.push(headers[i]!, headers[i + 1]!);
  }
  for (const name of names) out.push(name, carrier[name]!);
  return out;
}
