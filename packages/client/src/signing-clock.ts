// SigV4 is deterministic: the same key signing the same request in the same second yields the same
// signature, so two proofs made in one second would be one proof — and the broker, which accepts a
// proof once, would refuse the second as a replay. Within a process we therefore give each proof
// of a key its own second, stepping back from now (STS and the broker accept a proof for 15
// minutes, so a few seconds of back-dating cost nothing). Processes sharing a key can still
// collide; the broker then answers `proof.replayed` and the caller makes a fresh proof.

// Proofs are good for X-Amz-Expires (300 s by default) after their date: stepping back at most a
// minute leaves each at least four. Past that, proofs of a key repeat, and the broker says so.
const HORIZON_SECONDS = 60;
const usedSeconds = new Map<string, Set<number>>();

export function uniqueSigningDate(accessKeyId: string, nowMs = Date.now()): Date {
  const now = Math.floor(nowMs / 1000);
  let used = usedSeconds.get(accessKeyId);
  if (!used) {
    used = new Set();
    usedSeconds.set(accessKeyId, used);
  }
  for (const second of used) if (second < now - HORIZON_SECONDS) used.delete(second);
  for (const [key, seconds] of usedSeconds)
    if (key !== accessKeyId && ![...seconds].some((s) => s >= now - HORIZON_SECONDS))
      usedSeconds.delete(key);
  let second = now;
  while (used.has(second) && second > now - HORIZON_SECONDS) second--;
  used.add(second);
  return new Date(second * 1000);
}
