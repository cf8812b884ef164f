// The Redis claim with a per-account quota, as one Lua script so the server runs it atomically:
// no second host can claim between our count and our write, and a claim is never recorded without
// its charge (or charged without being recorded).
//
// Each account has a sorted set of its live claims, scored by when each expires. The script
// drops the expired members, refuses when the rest reach the limit, and otherwise sets the claim
// key (PX, as a plain claim does) and adds it to the set. Times come from the server's own TIME,
// so hosts whose clocks disagree still count the same claims as live. Reads come first and the
// claim key is the first write: a server out of memory (noeviction) refuses the script before it
// has changed anything. Needs Redis 5 or later (or Valkey): TIME before a write is allowed since
// scripts replicate their effects.

/** KEYS: claim key, account set. ARGV: ttl ms, limit, member. */
export const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, tonumber(first[2]) - now}
end
redis.call('SET', KEYS[1], '1', 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, ARGV[3])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return {1}
`;

export type ClaimReply =
  | { readonly outcome: 'claimed' | 'taken' }
  | { readonly outcome: 'quota'; readonly waitMs: number };

/** The script's answer; anything else is an error (→ 503), never a claim. */
export function readClaimReply(reply: unknown): ClaimReply {
  if (Array.isArray(reply)) {
    const [status, waitMs] = reply as unknown[];
    if (status === 1) return { outcome: 'claimed' };
    if (status === 0) return { outcome: 'taken' };
    if (status === 2 && typeof waitMs === 'number') return { outcome: 'quota', waitMs };
  }
  throw new Error('the replay cache (Redis) answered the claim script with something unexpected');
}
