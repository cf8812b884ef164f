// One fetch of a JWKS document: bounded in time and size, no redirects, strict JSON, and the
// freshness the server asked for (RFC 9111 `Cache-Control: max-age` less `Age`). Any failure is a
// plain Error with the reason — for a network failure the cause fetch hides behind 'fetch failed'
// (refused, TLS, DNS, timeout), as it reaches the gateway's log; the key source decides what a
// failure means for verification.

import { describeFetchFailure, parseJsonStrict } from '@rolegate/core';
import { type KeySet, keySetFromJwks } from './key-set.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface FetchedJwks {
  readonly keySet: KeySet;
  /** The document as received: an unchanged text means an unchanged key set. */
  readonly text: string;
  /** Seconds the server said the set stays fresh; undefined when it did not say. */
  readonly maxAgeSeconds: number | undefined;
}

export interface FetchJwksOptions {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** Reads `max-age` (and `no-cache` / `no-store` as 0) from a Cache-Control value, less `Age`. */
export function freshnessSeconds(
  cacheControl: string | null,
  age: string | null,
): number | undefined {
  if (cacheControl === null) return undefined;
  let maxAge: number | undefined;
  for (const raw of cacheControl.split(',')) {
    const directive = raw.trim().toLowerCase();
    if (directive === 'no-cache' || directive === 'no-store') return 0;
    const m = /^max-age=(?:(\d{1,10})|"(\d{1,10})")$/.exec(directive);
    if (m !== null) maxAge = Number(m[1] ?? m[2]);
  }
  if (maxAge === undefined) return undefined;
  const ageSeconds = age !== null && /^\d{1,10}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.max(0, maxAge - ageSeconds);
}

/** A failed connection or read, with its cause named; the original stays as `cause`. */
function unreachable(error: unknown, timeoutMs: number): Error {
  return new Error(describeFetchFailure(error, { timeoutMs }).text, { cause: error });
}

async function readCapped(
  response: Response,
  maxBytes: number,
  expired: Promise<never>,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new Error(`JWKS is ${declared} bytes, over ${maxBytes}`);
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await Promise.race([reader.read(), expired]).catch((error: unknown) => {
      reader.cancel().catch(() => {});
      throw unreachable(error, timeoutMs);
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`JWKS is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

export async function fetchJwks(url: string, options: FetchJwksOptions): Promise<FetchedJwks> {
  // One deadline for the answer and its body, kept here: once fetch has returned the headers, its
  // own abort reaches the body only while the Response object is still reachable (undici holds it
  // weakly), so a body that stalls could wait for ever — and every later refetch with it, as they
  // join the fetch in flight.
  const deadline = new AbortController();
  const expired = new Promise<never>((_resolve, reject) => {
    deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
  });
  expired.catch(() => {});
  const timer = setTimeout(
    () => deadline.abort(new DOMException('the JWKS fetch timed out', 'TimeoutError')),
    options.timeoutMs,
  );
  try {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'GET',
        headers: { accept: 'application/jwk-set+json, application/json' },
        // A redirect could point the verifier at anyone's keys; the configured URL is the only
        // source.
        redirect: 'error',
        signal: deadline.signal,
      });
    } catch (error) {
      throw unreachable(error, options.timeoutMs);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`JWKS answered HTTP ${response.status}`);
    }
    const text = await readCapped(response, options.maxBytes, expired, options.timeoutMs);
    return parseJwks(text, response.headers);
  } finally {
    clearTimeout(timer);
  }
}

/** The document read strictly, and the freshness its headers ask for. */
function parseJwks(text: string, headers: Headers): FetchedJwks {
  const doc = parseJsonStrict(text, { maxDepth: 8 });
  if (
    typeof doc !== 'object' ||
    doc === null ||
    Array.isArray(doc) ||
    !Array.isArray(doc['keys'])
  ) {
    throw new Error('JWKS is not an object with a "keys" array');
  }
  // A readable document is authoritative even when it holds no usable key: that is how a broker
  // withdraws every key at once, and a verifier must not keep trusting the old ones.
  return {
    keySet: keySetFromJwks(doc['keys']),
    text,
    maxAgeSeconds: freshnessSeconds(headers.get('cache-control'), headers.get('age')),
  };
}
