// Spans through @opentelemetry/api alone: with no tracer provider registered (the default) every
// call below lands on the api's no-op tracer, so tracing costs a few object allocations and no
// attribute is ever built. An application turns tracing on by registering an SDK (docs/operations.md).
// What a span may carry is decided here once: codes and kinds, never a credential or a principal's ARN.
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  propagation,
  type Span,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { RolegateError } from '@rolegate/core';

/** The tracer of rolegate's identity steps (proof checks, STS, the replay cache). */
export const identityTracer: Tracer = trace.getTracer('@rolegate/identity');

// The api's no-op tracer provider, as an unconfigured proxy hands it out: what the global proxy
// delegates to until an SDK registers a provider.
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** The span of a step nobody records: never recording, carrying no context. */
export const UNRECORDED_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether anything could observe a span or its context now: a tracer provider registered, or a
 * propagator (which would pass a caller's trace context on even with no provider). Checked per
 * request, not once, because an application may register its SDK after creating a server; when
 * false the hot paths skip the api entirely (a few allocations and closures per step otherwise).
 */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  return provider.getDelegate?.() !== NO_PROVIDER || propagation.fields().length > 0;
}

/**
 * Marks `span` failed with the stable code of `error` (`rolegate.code`, `error.type`, status
 * ERROR). The message is not recorded: it may quote what the caller sent.
 */
export function markSpanFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const code = error instanceof RolegateError ? error.code : undefined;
  const type = code ?? (error instanceof Error ? error.name : '_OTHER');
  if (code !== undefined) span.setAttribute('rolegate.code', code);
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `step` inside a span that is the active context's child, and ends the span when `step`
 * returns or settles; a failure marks it (markSpanFailed) and is rethrown. A synchronous step stays
 * synchronous (the gateway's hot path makes no promise). Attributes go on inside `step`, behind
 * `span.isRecording()`, so nothing is built for a span nobody records.
 */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  step: (span: Span) => T,
): T {
  if (!tracingActive()) return step(UNRECORDED_SPAN);
  return tracer.startActiveSpan(name, options, (span) => {
    let result: T;
    try {
      result = step(span);
    } catch (error) {
      markSpanFailed(span, error);
      span.end();
      throw error;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        markSpanFailed(span, error);
        span.end();
        throw error;
      },
    ) as T;
  });
}

/**
 * The parent of a server span: the active context when something already opened a span for this
 * request (an HTTP auto-instrumentation), else the caller's W3C `traceparent`/`tracestate`, read
 * with the global propagator — a no-op until an SDK registers one (NodeSDK registers W3C).
 */
export function incomingTraceContext(headers: Readonly<Record<string, unknown>>): Context {
  const active = context.active();
  return trace.getSpan(active) === undefined ? propagation.extract(active, headers) : active;
}
