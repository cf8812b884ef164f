// createVerifier: a rolegate token in, the verified caller out. The steps run in a fixed order —
// size and shape, header allow-list, key selection, signature, claims — and the first failure
// throws its VerifyError. The hot path stays close to the cost of the RSA check itself: the
// compact form is split by hand only as far as '.', parts are decoded by Buffer, the signature is
// checked with synchronous `crypto.verify` against KeyObjects built once per JWK, a repeated
// header is parsed once, and a repeated token is answered from the verified-token cache.

import type { KeyObject } from 'node:crypto';
import type { Principal } from '@rolegate/core';
import { VerifyError } from './errors.ts';
import { verifySignature } from './jws/algorithms.ts';
import { type CompactParts, decodeSignedPayload, splitCompact } from './jws/compact.ts';
import { HeaderReader, type JoseHeader } from './jws/header.ts';
import type { KeySet, VerificationKey } from './keys/key-set.ts';
import { type KeySource, remoteKeySource, staticKeySource } from './keys/key-source.ts';
import { principalFromClaims } from './token/claims.ts';
import { TokenCache } from './token/token-cache.ts';
import { resolveVerifierOptions, type VerifierOptions } from './verifier-options.ts';

export interface Verifier {
  /**
   * Verifies a compact JWS and returns the caller. Rejects with a {@link VerifyError}: `token.*`
   * (401) for a bad token, `jwks.unavailable` (503) when no key set can be had.
   */
  verify(token: string): Promise<Principal>;
  /**
   * The same check, answered synchronously whenever the key set already held has the token's key
   * (every request but the first few, and those right after a rotation); a promise only when the
   * key set must be fetched first. Throws (or rejects) exactly as {@link verify} does. For hot
   * paths such as middleware, where a microtask per request is measurable next to an RSA check.
   */
  verifyNow(token: string): Principal | Promise<Principal>;
  /** Fetches the key set now (at start-up, say), so that the first request does not wait for it. */
  warmUp(): Promise<void>;
  /** The issuer this verifier accepts (used as the default `realm` by the middleware). */
  readonly issuer: string;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const o = resolveVerifierOptions(options);
  const source: KeySource =
    o.source.kind === 'static'
      ? staticKeySource(o.source.keySet)
      : remoteKeySource({ url: o.source.url, fetch: o.fetch, now: o.now, ...o.jwks });
  const headers = new HeaderReader(o.algorithms);
  const cache = new TokenCache(o.tokenCacheSize, o.clockTolerance);
  // A cached principal is only as good as the key that signed it.
  source.onChange(() => cache.clear());
  const rules = {
    issuer: o.issuer,
    audiences: o.audiences,
    clockToleranceSeconds: o.clockTolerance,
  };

  // The slow path of key selection: no key set held yet, or a kid the held set lacks.
  async function fetchKey(header: JoseHeader, held: KeySet | undefined): Promise<VerificationKey> {
    let set: KeySet | undefined = held ?? (await source.load());
    let key = set.find(header.kid, header.alg);
    // A kid never seen may be a key the broker has just started using: fetch again (rate-limited).
    if (key === undefined && header.kid !== undefined && !set.has(header.kid)) {
      set = await source.refresh();
      key = set?.find(header.kid, header.alg);
    }
    if (key === undefined) {
      throw new VerifyError(
        'token.unknown_key',
        `no key for kid ${JSON.stringify(header.kid ?? null)} and alg ${header.alg}`,
      );
    }
    return key;
  }

  function finish(
    token: string,
    parts: CompactParts,
    header: JoseHeader,
    key: KeyObject,
  ): Principal {
    if (!verifySignature(header.alg, key, parts.signingInput, parts.signature)) {
      throw new VerifyError('token.bad_signature');
    }
    const claims = decodeSignedPayload(parts.payload);
    const nowSeconds = o.now() / 1000;
    const principal = principalFromClaims(claims, rules, nowSeconds);
    cache.set(token, principal, nowSeconds);
    return principal;
  }

  function verifyNow(token: string): Principal | Promise<Principal> {
    if (typeof token !== 'string') throw new TypeError('verify expects the token as a string');
    const cached = cache.get(token, o.now() / 1000);
    if (cached !== undefined) {
      source.peek(); // lets an expired key set be refreshed in the background
      return cached;
    }
    const parts = splitCompact(token, o.maxTokenLength);
    const header = headers.read(parts.header);
    // The held set normally has the key: then nothing here waits, not even for a microtask.
    const held = source.peek();
    const found = held?.find(header.kid, header.alg);
    if (found !== undefined) return finish(token, parts, header, found.key);
    return fetchKey(header, held).then(({ key }) => finish(token, parts, header, key));
  }

  async function verify(token: string): Promise<Principal> {
    return verifyNow(token);
  }

  return Object.freeze({
    verify,
    verifyNow,
    issuer: o.issuer,
    async warmUp() {
      await source.load();
    },
  });
}
