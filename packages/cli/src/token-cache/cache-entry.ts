// One cached token and the rules for using it: served while more than max(60 s, 10 % of its
// lifetime) remains, refreshed ahead of that, and — when a refresh fails — still served until it
// actually expires (as the AWS CLI's SSO cache and kubectl's exec credentials do).

/** What a cache file holds (JSON, version 1). */
export interface CachedToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly issuedTokenType: string;
  /** When the broker answered. */
  readonly obtainedAt: Date;
  readonly expiresAt: Date;
}

const ENTRY_VERSION = 1;
const MIN_REFRESH_AHEAD_MS = 60_000;
const REFRESH_AHEAD_FRACTION = 0.1;
/** A token this close to its expiry is not handed out even when the broker is unreachable. */
const EXPIRY_MARGIN_MS = 5_000;

/** True while the token has more than max(60 s, 10 % of its lifetime) left. */
export function isFresh(entry: CachedToken, now: number): boolean {
  const lifetime = entry.expiresAt.getTime() - entry.obtainedAt.getTime();
  const ahead = Math.max(MIN_REFRESH_AHEAD_MS, lifetime * REFRESH_AHEAD_FRACTION);
  return entry.expiresAt.getTime() - now > ahead;
}

/** True while the token can still be used at all (the fallback when a refresh fails). */
export function isUnexpired(entry: CachedToken, now: number): boolean {
  return entry.expiresAt.getTime() - now > EXPIRY_MARGIN_MS;
}

export function serializeEntry(entry: CachedToken): string {
  return `${JSON.stringify({
    version: ENTRY_VERSION,
    accessToken: entry.accessToken,
    tokenType: entry.tokenType,
    issuedTokenType: entry.issuedTokenType,
    obtainedAt: entry.obtainedAt.toISOString(),
    expiresAt: entry.expiresAt.toISOString(),
  })}\n`;
}

/** The entry a file holds, or undefined for anything else (a half-written or foreign file). */
export function parseEntry(text: string): CachedToken | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.version !== ENTRY_VERSION || v.tokenType !== 'Bearer') return undefined;
  if (typeof v.accessToken !== 'string' || !/^[\w.~+/=-]+$/.test(v.accessToken)) return undefined;
  if (typeof v.issuedTokenType !== 'string') return undefined;
  const obtainedAt = dateOf(v.obtainedAt);
  const expiresAt = dateOf(v.expiresAt);
  if (obtainedAt === undefined || expiresAt === undefined || expiresAt <= obtainedAt)
    return undefined;
  return {
    accessToken: v.accessToken,
    tokenType: 'Bearer',
    issuedTokenType: v.issuedTokenType,
    obtainedAt,
    expiresAt,
  };
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
