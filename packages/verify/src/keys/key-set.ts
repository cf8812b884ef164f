// A set of public verification keys, built once from JWKs (RFC 7517) into Node KeyObjects so that
// no request ever parses key material. A JWK that cannot serve for signature checks (private
// material, `use` other than `sig`, `key_ops` without `verify`, symmetric, unsupported) is left
// out with a reason rather than failing the whole set: one odd key must not take down the rest.

import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JsonValue } from '@rolegate/core';
import {
  type Algorithm,
  isSupportedAlgorithm,
  keyFitsAlgorithm,
  SUPPORTED_ALGORITHMS,
} from '../jws/algorithms.ts';

export interface VerificationKey {
  readonly kid: string | undefined;
  readonly key: KeyObject;
  /** Algorithms this key may check: the JWK's own `alg` only when it names one, else every fit. */
  readonly algorithms: ReadonlySet<Algorithm>;
}

export interface KeySet {
  readonly keys: readonly VerificationKey[];
  /** Keys left out, each with why (for logs and tests). */
  readonly skipped: readonly { readonly kid: string | undefined; readonly reason: string }[];
  /** Finds the key for a token header; undefined when none fits. */
  find(kid: string | undefined, alg: Algorithm): VerificationKey | undefined;
  /** Whether a key with this `kid` exists at all, whatever its algorithm. */
  has(kid: string): boolean;
}

type JwkObject = { readonly [k: string]: JsonValue };

function toKey(jwk: JwkObject): VerificationKey | string {
  const kid = jwk['kid'];
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) return 'kid is not a string';
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return 'use is not sig';
  const ops = jwk['key_ops'];
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) {
    return 'key_ops lacks verify';
  }
  if (jwk['kty'] === 'oct') return 'symmetric keys are never accepted';
  // A JWKS is public; a private member means someone published a secret. Refuse that key.
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    if (Object.hasOwn(jwk, member)) return `private member ${member}`;
  }
  const alg = jwk['alg'];
  if (alg !== undefined && !isSupportedAlgorithm(alg)) return `alg ${String(alg)} not supported`;
  let key: KeyObject;
  try {
    key = createPublicKey({ format: 'jwk', key: jwk as JsonWebKey });
  } catch (error) {
    return `not a usable public key (${(error as Error).message})`;
  }
  if (alg !== undefined && !keyFitsAlgorithm(key, alg)) return `key does not fit alg ${alg}`;
  return describe(key, kid as string | undefined, alg);
}

// Which algorithms a key serves is worked out once here, never per token.
function describe(key: KeyObject, kid: string | undefined, alg: Algorithm | undefined) {
  const algorithms = new Set(
    alg === undefined ? SUPPORTED_ALGORITHMS.filter((a) => keyFitsAlgorithm(key, a)) : [alg],
  );
  return { kid, key, algorithms };
}

/** Builds a key set from JWK objects (a JWKS's `keys` array). */
export function keySetFromJwks(jwks: readonly JsonValue[]): KeySet {
  const keys: VerificationKey[] = [];
  const skipped: { kid: string | undefined; reason: string }[] = [];
  for (const jwk of jwks) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
      skipped.push({ kid: undefined, reason: 'not a JSON object' });
      continue;
    }
    const kid = typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined;
    const made = toKey(jwk);
    if (typeof made === 'string') skipped.push({ kid, reason: made });
    else keys.push(made);
  }
  // Two keys under one kid would make the choice depend on their order: use neither.
  const counts = new Map<string, number>();
  for (const k of keys) if (k.kid !== undefined) counts.set(k.kid, (counts.get(k.kid) ?? 0) + 1);
  const unique = keys.filter((k) => k.kid === undefined || counts.get(k.kid) === 1);
  for (const k of keys)
    if (!unique.includes(k)) skipped.push({ kid: k.kid, reason: 'duplicate kid' });
  return makeKeySet(unique, skipped);
}

/** Builds a key set from KeyObjects given in code (`keys` option), each with an optional kid. */
export function keySetFromKeyObjects(
  entries: readonly { readonly key: KeyObject; readonly kid?: string; readonly alg?: Algorithm }[],
): KeySet {
  return makeKeySet(
    entries.map((e) => describe(e.key, e.kid, e.alg)),
    [],
  );
}

function makeKeySet(keys: readonly VerificationKey[], skipped: KeySet['skipped']): KeySet {
  const byKid = new Map<string, VerificationKey>();
  for (const k of keys) if (k.kid !== undefined) byKid.set(k.kid, k);
  return {
    keys,
    skipped,
    has: (kid) => byKid.has(kid),
    find(kid, alg) {
      if (kid !== undefined) {
        const k = byKid.get(kid);
        return k?.algorithms.has(alg) ? k : undefined;
      }
      // No kid: acceptable only when exactly one key could have made the signature.
      let only: VerificationKey | undefined;
      for (const k of keys) {
        if (!k.algorithms.has(alg)) continue;
        if (only !== undefined) return undefined;
        only = k;
      }
      return only;
    },
  };
}
