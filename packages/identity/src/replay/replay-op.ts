// Every login's use of the replay cache goes through here, so a cache that is full or unreachable
// answers the same way for every kind of proof: 503 with Retry-After, never a replay window; an
// account over its quota is 429 with Retry-After (until one of its claims expires). Each
// use is a span (`rolegate.replay.check` / `rolegate.replay.claim`) naming the cache's class, so a
// slow Redis shows in a trace; the key is never recorded (it is derived from the proof).
import { SpanKind } from '@opentelemetry/api';
import { IdentityError } from '../errors.ts';
import { identityTracer, inSpan } from '../tracing/spans.ts';
import { ReplayAccountQuotaError, type ReplayCache, ReplayCacheFullError } from './replay-cache.ts';

/** `check`: the cheap look before STS or path validation; `claim`: the atomic mark as used. */
export type ReplayStep = 'check' | 'claim';

export function replayOp<T>(
  cache: ReplayCache,
  op: (cache: ReplayCache) => Promise<T>,
  step: ReplayStep = 'check',
): Promise<T> {
  return inSpan(identityTracer, `rolegate.replay.${step}`, { kind: SpanKind.INTERNAL }, (span) => {
    if (span.isRecording()) span.setAttribute('rolegate.replay_cache', cache.constructor.name);
    return runOp(cache, op);
  });
}

async function runOp<T>(cache: ReplayCache, op: (cache: ReplayCache) => Promise<T>): Promise<T> {
  try {
    return await op(cache);
  } catch (error) {
    if (error instanceof ReplayAccountQuotaError) {
      throw new IdentityError('replay.account_quota', error.message, {
        retryAfterSeconds: error.retryAfterSeconds,
        cause: error,
      });
    }
    const detail =
      error instanceof ReplayCacheFullError ? 'replay cache full' : (error as Error).message;
    throw new IdentityError('broker.replay_cache_unavailable', detail, {
      retryAfterSeconds: 1,
      cause: error,
    });
  }
}
