// One fetch of a JWKS document: bounded in time and size, no redirects, strict JSON, and the
// freshness the server asked for (RFC 9111 `Cache-Control: max-age` less `Age`). Any failure is a
// plain Error with the reason; the key source decides what a failure means for verification.

import { parseJsonStrict } from '@rolegate/core';
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

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new Error(`JWKS is ${declared} bytes, over ${maxBytes}`);
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
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
  const response = await options.fetch(url, {
    method: 'GET',
    headers: { accept: 'application/jwk-set+json, application/json' },
    // A redirect could point the verifier at anyone's keys; the configured URL is the only source.
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`JWKS answered HTTP ${response.status}`);
  }
  const text = await readCapped(response, options.maxBytes);
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
    maxAgeSeconds: freshnessSeconds(
      response.headers.get('cache-control'),
      response.headers.get('age'),
    ),
  };
}
