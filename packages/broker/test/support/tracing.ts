// OpenTelemetry for tests, as an application would register it: a tracer provider whose spans go
// to an in-memory exporter, the AsyncLocalStorage context manager and the W3C propagator. Only the
// api is a dependency of rolegate's packages; these SDK pieces are dev dependencies.
import assert from 'node:assert/strict';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface TestTracing {
  readonly exporter: InMemorySpanExporter;
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** The one span named `name` (fails when there is none or more than one). */
  one(name: string, among?: readonly ReadableSpan[]): ReadableSpan;
  close(): Promise<void>;
}

/** Registers the propagator and context manager only (no tracer provider): the no-op case. */
export function registerPropagationOnly(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export function registerTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  registerPropagationOnly();
  trace.setGlobalTracerProvider(provider);
  const spans = () => exporter.getFinishedSpans();
  return {
    exporter,
    spans,
    one(name, among = spans()) {
      const found = among.filter((s) => s.name === name);
      assert.equal(found.length, 1, `one span ${name}, found ${found.length}`);
      return found[0]!;
    },
    async close() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The spans of one trace. */
export function inTrace(spans: readonly ReadableSpan[], traceId: string): ReadableSpan[] {
  return spans.filter((s) => s.spanContext().traceId === traceId);
}

/** Whether `child`'s parent is `parent`. */
export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    child.parentSpanContext?.spanId === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** Fails when any attribute value of any span contains one of `secrets` (or a long piece of one). */
export function assertNoSecretIn(spans: readonly ReadableSpan[], secrets: readonly string[]): void {
  for (const span of spans) {
    for (const [key, value] of Object.entries(span.attributes)) {
      const text = Array.isArray(value) ? value.join('\n') : String(value);
      for (const secret of secrets) {
        // A 16-character window also catches a secret recorded cut short or inside another value.
        const pieces = secret.length <= 16 ? [secret] : windows(secret, 16);
        for (const piece of pieces) {
          assert.ok(!text.includes(piece), `${span.name} ${key} holds part of a secret`);
        }
      }
    }
    assert.ok(
      !secrets.some((secret) => (span.status.message ?? '').includes(secret)),
      `${span.name} status message holds a secret`,
    );
  }
}

function windows(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= text.length; i += size / 2) out.push(text.slice(i, i + size));
  return out;
}

/** A caller's W3C trace context: `00-<trace id>-<span id>-01`. */
export function callerTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (bytes: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
