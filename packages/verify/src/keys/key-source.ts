// Where a verifier gets its keys: a fixed set given in code, or the broker's JWKS. The remote
// source never blocks a request that it can already serve: a set past its freshness keeps serving
// while one background fetch (at most one per cooldown) replaces it, and it keeps serving while the
// broker is unreachable, up to `maxStaleMs`. A request waits only when no set is held at all, or
// when its `kid` is unknown and the cooldown allows a fetch (a rotation the verifier has not seen).

import { VerifyError } from '../errors.ts';
import { type FetchLike, fetchJwks } from './fetch-jwks.ts';
import type { KeySet } from './key-set.ts';

export interface KeySource {
  /** The set to use now, without waiting; undefined when none is held. May start a background fetch. */
  peek(): KeySet | undefined;
  /** The held set, or the result of a fetch when none is held. Throws `jwks.unavailable`. */
  load(): Promise<KeySet>;
  /** For an unknown `kid`: fetches again unless the cooldown forbids it, and returns the set then held. */
  refresh(): Promise<KeySet | undefined>;
  /** Called whenever the held set changes (keys added, rotated, withdrawn) or is dropped as too stale. */
  onChange(listener: () => void): void;
}

export function staticKeySource(set: KeySet): KeySource {
  return {
    peek: () => set,
    load: async () => set,
    refresh: async () => set,
    onChange: () => {},
  };
}

export interface RemoteKeySourceOptions {
  readonly url: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Least time between two fetches, whatever triggers them. */
  readonly cooldownMs: number;
  /** Freshness when the server sends no `max-age`. */
  readonly defaultMaxAgeMs: number;
  /** Longest freshness honoured, whatever `max-age` says. */
  readonly maxMaxAgeMs: number;
  /** How long past its freshness a set keeps serving while fetches fail. */
  readonly maxStaleMs: number;
  readonly now: () => number;
}

interface Held {
  readonly set: KeySet;
  readonly text: string;
  readonly freshUntil: number;
  readonly usableUntil: number;
}

export function remoteKeySource(options: RemoteKeySourceOptions): KeySource {
  const { cooldownMs, now } = options;
  const listeners: (() => void)[] = [];
  let held: Held | undefined;
  let inflight: Promise<void> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastError: unknown;

  const apply = (fetched: Awaited<ReturnType<typeof fetchJwks>>) => {
    const at = now();
    const askedMs =
      fetched.maxAgeSeconds === undefined ? options.defaultMaxAgeMs : fetched.maxAgeSeconds * 1000;
    // Never fresher than the cooldown allows refetching, never longer than the configured cap.
    const freshUntil = at + Math.min(Math.max(askedMs, cooldownMs), options.maxMaxAgeMs);
    const changed = held !== undefined && held.text !== fetched.text;
    held = {
      set: fetched.keySet,
      text: fetched.text,
      freshUntil,
      usableUntil: freshUntil + options.maxStaleMs,
    };
    lastError = undefined;
    if (changed) for (const listener of listeners) listener();
  };

  // One fetch at a time; its promise never rejects (the error is kept for the 503's log line).
  const start = (): Promise<void> => {
    if (inflight !== undefined) return inflight;
    lastAttempt = now();
    inflight = fetchJwks(options.url, options)
      .then(apply, (error: unknown) => {
        lastError = error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  const coolingDown = () => now() - lastAttempt < cooldownMs;

  const peek = (): KeySet | undefined => {
    if (held === undefined) return undefined;
    const t = now();
    if (t >= held.usableUntil) {
      // Stale beyond the limit: a key withdrawn meanwhile must stop working at some point.
      held = undefined;
      for (const listener of listeners) listener();
      return undefined;
    }
    if (t >= held.freshUntil && inflight === undefined && !coolingDown()) void start();
    return held.set;
  };

  const unavailable = () => {
    const reason = lastError instanceof Error ? lastError.message : 'no key set fetched yet';
    const wait = Math.max(1, Math.ceil((lastAttempt + cooldownMs - now()) / 1000));
    return new VerifyError('jwks.unavailable', `JWKS ${options.url}: ${reason}`, {
      cause: lastError,
      retryAfterSeconds: wait,
    });
  };

  return {
    peek,
    async load() {
      const ready = peek();
      if (ready !== undefined) return ready;
      if (inflight === undefined && coolingDown()) throw unavailable();
      await start();
      const after = peek();
      if (after === undefined) throw unavailable();
      return after;
    },
    async refresh() {
      if (inflight !== undefined) await inflight;
      else if (!coolingDown()) await start();
      return peek();
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
