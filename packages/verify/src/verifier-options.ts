// The verifier's options: every default in one place beside its meaning, checked once when the
// verifier is created (TypeError naming the option), then frozen. Unsafe knobs are explicit:
// a plain-http JWKS on anything but loopback needs `allowInsecureHttp: true`.

import { type JsonWebKey, KeyObject } from 'node:crypto';
import { closestName, isLoopback, type JsonValue } from '@rolegate/core';
import {
  type Algorithm,
  DEFAULT_ALGORITHMS,
  isSupportedAlgorithm,
  keyFitsAlgorithm,
} from './jws/algorithms.ts';
import type { FetchLike } from './keys/fetch-jwks.ts';
import { type KeySet, keySetFromJwks, keySetFromKeyObjects } from './keys/key-set.ts';

/** A key given in code: a public JWK, or a KeyObject with the `kid` tokens will name. */
export type KeyInput =
  | JsonWebKey
  | { readonly kid?: string; readonly key: KeyObject; readonly alg?: Algorithm };

export interface JwksOptions {
  /** Least time between two fetches, whatever asks for one (unknown `kid`, expiry, failure). Default 30 000 ms. */
  readonly cooldownMs?: number;
  /** Deadline of one fetch. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Largest JWKS document read. Default 131 072 bytes. */
  readonly maxBytes?: number;
  /** Freshness when the answer has no `Cache-Control: max-age`. Default 300 000 ms. */
  readonly defaultMaxAgeMs?: number;
  /** Longest freshness honoured, whatever `max-age` says. Default 86 400 000 ms (1 day). */
  readonly maxMaxAgeMs?: number;
  /** How long past its freshness a held set keeps serving while the JWKS is unreachable. Default 86 400 000 ms. */
  readonly maxStaleMs?: number;
}

export interface VerifierOptions {
  /** Required. The broker's issuer URL; `iss` must equal it exactly. */
  readonly issuer: string;
  /** Required. This service's audience(s); `aud` must contain one of them. */
  readonly audience: string | readonly string[];
  /** The broker's JWKS. Default `<issuer>/.well-known/jwks.json` when `keys` is not given. */
  readonly jwksUri?: string;
  /** Fixed keys instead of a JWKS: a JWK Set, or JWKs / KeyObjects. */
  readonly keys?: { readonly keys: readonly JsonWebKey[] } | readonly KeyInput[];
  /** Accepted `alg` values. Default `['RS256']`; any of RS256, PS256, ES256, EdDSA. */
  readonly algorithms?: readonly Algorithm[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds (0…300). Default 30. */
  readonly clockTolerance?: number;
  /** Longest token accepted, in characters. Default 16 384. */
  readonly maxTokenLength?: number;
  /** Entries in the verified-token cache; `0` turns it off. Default 10 000. */
  readonly tokenCacheSize?: number;
  readonly jwks?: JwksOptions;
  /** Allow an `http:` JWKS URI on a host other than loopback. Default false. Never in production. */
  readonly allowInsecureHttp?: boolean;
  /** The fetch used for the JWKS (a custom agent, a proxy). Default `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** Clock in milliseconds since the epoch. Default `Date.now`; for tests. */
  readonly now?: () => number;
}

export interface ResolvedVerifierOptions {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  readonly source:
    | { readonly kind: 'static'; readonly keySet: KeySet }
    | { readonly kind: 'remote'; readonly url: string };
  readonly algorithms: ReadonlySet<string>;
  readonly clockTolerance: number;
  readonly maxTokenLength: number;
  readonly tokenCacheSize: number;
  readonly jwks: Required<JwksOptions>;
  readonly fetch: FetchLike;
  readonly now: () => number;
}

export const VERIFIER_DEFAULTS = Object.freeze({
  algorithms: DEFAULT_ALGORITHMS,
  clockTolerance: 30,
  maxTokenLength: 16_384,
  tokenCacheSize: 10_000,
  jwks: Object.freeze({
    cooldownMs: 30_000,
    timeoutMs: 5_000,
    maxBytes: 131_072,
    defaultMaxAgeMs: 300_000,
    maxMaxAgeMs: 86_400_000,
    maxStaleMs: 86_400_000,
  }),
});

const fail = (option: string, why: string): never => {
  throw new TypeError(`createVerifier: ${option} ${why}`);
};

// Every option name, so a mistyped one (`clocktolerance`) is refused instead of silently
// leaving its default in force; `satisfies` keeps these lists in step with the interfaces.
const VERIFIER_OPTION_NAMES = Object.keys({
  issuer: 0,
  audience: 0,
  jwksUri: 0,
  keys: 0,
  algorithms: 0,
  clockTolerance: 0,
  maxTokenLength: 0,
  tokenCacheSize: 0,
  jwks: 0,
  allowInsecureHttp: 0,
  fetch: 0,
  now: 0,
} satisfies Record<keyof VerifierOptions, 0>);
const JWKS_OPTION_NAMES = Object.keys(VERIFIER_DEFAULTS.jwks satisfies Required<JwksOptions>);

function refuseUnknownOptions(given: object, known: readonly string[], prefix: string): void {
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const near = closestName(name, known);
    fail(`${prefix}${name}`, `is not an option${near ? ` (did you mean ${prefix}${near}?)` : ''}`);
  }
}

function integer(
  value: unknown,
  option: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(option, `must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string');
  return value as string;
}

function jwksUrl(value: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('jwksUri', `is not a URL: ${value}`);
  }
  if (url.username !== '' || url.password !== '') fail('jwksUri', 'must not carry credentials');
  if (url.protocol === 'https:') return url.href;
  if (url.protocol !== 'http:') fail('jwksUri', 'must be an https: URL');
  if (!isLoopback(url.hostname) && !allowInsecureHttp) {
    fail('jwksUri', 'is http: on a non-loopback host; set allowInsecureHttp to allow it');
  }
  return url.href;
}

function staticKeys(keys: NonNullable<VerifierOptions['keys']>): KeySet {
  const list: readonly unknown[] = Array.isArray(keys)
    ? keys
    : ((keys as { keys?: unknown }).keys as unknown[]);
  if (!Array.isArray(list) || list.length === 0) fail('keys', 'must hold at least one key');
  const objects = list.filter(
    (k): k is Exclude<KeyInput, JsonWebKey> => typeof k === 'object' && k !== null && 'key' in k,
  );
  if (objects.length > 0) {
    if (objects.length !== list.length)
      fail('keys', 'must be all JWKs or all { kid, key } entries');
    for (const { key, alg, kid } of objects) {
      if (!(key instanceof KeyObject) || key.type !== 'public')
        fail('keys', 'entries need a public KeyObject');
      if (kid !== undefined && (typeof kid !== 'string' || kid === ''))
        fail('keys', 'kid must be a non-empty string');
      if (alg !== undefined && (!isSupportedAlgorithm(alg) || !keyFitsAlgorithm(key, alg)))
        fail('keys', `key ${kid ?? ''} does not fit alg ${String(alg)}`);
    }
    const kids = objects.map((o) => o.kid).filter((k) => k !== undefined);
    if (new Set(kids).size !== kids.length) fail('keys', 'has two keys with one kid');
    return keySetFromKeyObjects(objects);
  }
  const set = keySetFromJwks(list as JsonValue[]);
  const first = set.skipped[0];
  if (first !== undefined) fail('keys', `has an unusable key ${first.kid ?? ''}: ${first.reason}`);
  return set;
}

export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  refuseUnknownOptions(options, VERIFIER_OPTION_NAMES, '');
  if (typeof options.jwks === 'object' && options.jwks !== null) {
    refuseUnknownOptions(options.jwks, JWKS_OPTION_NAMES, 'jwks.');
  }
  const issuer = nonEmptyString(options.issuer, 'issuer');
  const audienceList = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audienceList) || audienceList.length === 0)
    fail('audience', 'must be a string or a non-empty array');
  for (const a of audienceList) nonEmptyString(a, 'audience');
  const algorithms = options.algorithms ?? VERIFIER_DEFAULTS.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0)
    fail('algorithms', 'must be a non-empty array');
  for (const alg of algorithms) {
    if (!isSupportedAlgorithm(alg))
      fail(
        'algorithms',
        `has ${JSON.stringify(alg)}; allowed: RS256, PS256, ES256, EdDSA (never none or HS*)`,
      );
  }
  if (options.jwksUri !== undefined && options.keys !== undefined)
    fail('jwksUri', 'and keys are exclusive');
  const allowInsecureHttp = options.allowInsecureHttp === true;
  const source: ResolvedVerifierOptions['source'] =
    options.keys !== undefined
      ? { kind: 'static', keySet: staticKeys(options.keys) }
      : {
          kind: 'remote',
          url: jwksUrl(
            nonEmptyString(
              options.jwksUri ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
              'jwksUri',
            ),
            allowInsecureHttp,
          ),
        };
  const j = options.jwks ?? {};
  const d = VERIFIER_DEFAULTS.jwks;
  const day = 86_400_000;
  const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
  if (typeof fetchImpl !== 'function') fail('fetch', 'must be a function');
  if (options.now !== undefined && typeof options.now !== 'function')
    fail('now', 'must be a function');
  return Object.freeze({
    issuer,
    audiences: new Set(audienceList as readonly string[]),
    source,
    algorithms: new Set<string>(algorithms),
    clockTolerance: integer(
      options.clockTolerance,
      'clockTolerance',
      0,
      300,
      VERIFIER_DEFAULTS.clockTolerance,
    ),
    maxTokenLength: integer(
      options.maxTokenLength,
      'maxTokenLength',
      256,
      1_048_576,
      VERIFIER_DEFAULTS.maxTokenLength,
    ),
    tokenCacheSize: integer(
      options.tokenCacheSize,
      'tokenCacheSize',
      0,
      10_000_000,
      VERIFIER_DEFAULTS.tokenCacheSize,
    ),
    jwks: Object.freeze({
      cooldownMs: integer(j.cooldownMs, 'jwks.cooldownMs', 0, day, d.cooldownMs),
      timeoutMs: integer(j.timeoutMs, 'jwks.timeoutMs', 1, 120_000, d.timeoutMs),
      maxBytes: integer(j.maxBytes, 'jwks.maxBytes', 1024, 16_777_216, d.maxBytes),
      defaultMaxAgeMs: integer(
        j.defaultMaxAgeMs,
        'jwks.defaultMaxAgeMs',
        0,
        7 * day,
        d.defaultMaxAgeMs,
      ),
      maxMaxAgeMs: integer(j.maxMaxAgeMs, 'jwks.maxMaxAgeMs', 0, 7 * day, d.maxMaxAgeMs),
      maxStaleMs: integer(j.maxStaleMs, 'jwks.maxStaleMs', 0, 30 * day, d.maxStaleMs),
    }),
    fetch: fetchImpl as FetchLike,
    now: options.now ?? Date.now,
  });
}
