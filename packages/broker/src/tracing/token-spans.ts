// The token request as a trace: one server span, `POST /v1/token`, continued from the caller's
// `traceparent`, with a child per step — rolegate.login (which holds identity's proof, replay and
// STS spans), rolegate.login_policy, rolegate.token.sign (which holds KMS/Sign for a KMS key).
// Recorded: the route, the status, the login method, the principal's type, the audience, the
// decision, the key id and its source, and on failure the stable code. Never recorded: the subject
// token, the issued token, the signature, STS's credentials, the principal's ARN (traces usually
// reach more people than the access log; the ARN names an account and a role).
import { context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import type { PrincipalType } from '@rolegate/core';
import { incomingTraceContext, inSpan, markSpanFailed } from '@rolegate/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RingKey } from '../keys/key-ring.ts';

export const brokerTracer: Tracer = trace.getTracer('@rolegate/broker');

/** Runs the token handler inside its server span; the status is read from the reply at the end. */
export async function traceTokenRequest<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
  handle: () => Promise<T>,
): Promise<T> {
  const parent = incomingTraceContext(request.headers);
  const span = brokerTracer.startSpan(`POST ${route}`, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': 'POST',
      'http.route': route,
      'url.path': route,
      'url.scheme': request.protocol,
      'server.address': request.hostname,
    });
  }
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } finally {
    if (span.isRecording()) span.setAttribute('http.response.status_code', reply.statusCode);
    span.end();
  }
}

/** The handler answered with an OAuth error instead of throwing: the server span says which. */
export function markTokenRequestFailed(failure: unknown): void {
  const span = trace.getActiveSpan();
  if (span !== undefined) markSpanFailed(span, failure);
}

/**
 * The login step. `tokenType` is one the broker supports (an unsupported one was refused before),
 * recorded by its last URN segment: `aws-sts-presigned`, `x509-assertion`, `jwt`…
 */
export function traceLogin<T extends { readonly principal: { readonly type: PrincipalType } }>(
  tokenType: string,
  login: () => Promise<T>,
): Promise<T> {
  return inSpan(brokerTracer, 'rolegate.login', {}, async (span) => {
    if (span.isRecording())
      span.setAttribute('rolegate.token_type', tokenType.slice(tokenType.lastIndexOf(':') + 1));
    const who = await login();
    if (span.isRecording()) span.setAttribute('rolegate.principal_type', who.principal.type);
    return who;
  });
}

/** The login policy's decision. */
export function traceLoginPolicy(audience: string, decide: () => boolean): boolean {
  return inSpan(brokerTracer, 'rolegate.login_policy', {}, (span) => {
    const allowed = decide();
    if (span.isRecording())
      span.setAttributes({ 'rolegate.audience': audience, 'rolegate.allowed': allowed });
    return allowed;
  });
}

/** Signing with the ring's active key; a KMS key adds its own client span inside. */
export function traceSigning<T>(key: RingKey, sign: () => Promise<T>): Promise<T> {
  return inSpan(brokerTracer, 'rolegate.token.sign', {}, (span: Span) => {
    if (span.isRecording())
      span.setAttributes({
        'rolegate.key_id': key.kid,
        'rolegate.key_source': key.source,
        'rolegate.key_alg': key.alg,
      });
    return sign();
  });
}
