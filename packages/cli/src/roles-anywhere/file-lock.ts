// A lock file beside the file it guards, so that two `update` processes (or two writes in one)
// never read-modify-write the credentials file at the same time: the second would write back the
// file as it was before the first, losing the first one's profile. Node has no flock(2); a file
// created with O_EXCL is the portable lock, and it records who holds it so a crashed holder's lock
// can be taken over.

import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A lock older than this is taken over even if its holder looks alive: a write holds it for
 * milliseconds, so only a hung holder (or a reused pid, or a holder on another host sharing the
 * file) keeps it this long.
 */
export const DEFAULT_STALE_LOCK_MS = 30_000;

export interface FileLockOptions {
  readonly staleAfterMs?: number;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
}

/** What a lock file holds. */
interface LockRecord {
  readonly pid: number;
  readonly host: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Tells this holding apart from a later one by the same process. */
  readonly nonce: string;
}

/** Runs `work` holding the lock file `lockPath`, waiting for (or taking over) another holder. */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_LOCK_MS;
  const mine = await acquire(lockPath, now, staleAfterMs);
  try {
    return await work();
  } finally {
    await release(lockPath, mine);
  }
}

async function acquire(lockPath: string, now: () => number, staleAfterMs: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const record: LockRecord = {
      pid: process.pid,
      host: hostname(),
      createdAt: now(),
      nonce: randomBytes(12).toString('hex'),
    };
    const text = JSON.stringify(record);
    if (await createExclusive(lockPath, text)) return text;

    const held = await readHolder(lockPath);
    if (held === undefined) continue; // released between our attempt and the read
    if (isStale(held, now(), staleAfterMs)) {
      // Only the lock we judged stale is removed: if another waiter took it over meanwhile, the
      // file now holds that waiter's record and is left alone. (Between this read and the unlink
      // a takeover can still slip in; two waiters must judge the same lock stale within
      // microseconds for that, and even then each write replaces the file whole.)
      if ((await readHolder(lockPath))?.text === held.text)
        await unlink(lockPath).catch(ignoreMissing);
      continue;
    }
    // Writes take milliseconds; a short wait with jitter keeps waiters from moving in step.
    await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
  }
}

/** Creates the lock file with `text`, or returns false when it exists. */
async function createExclusive(lockPath: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

interface Holder {
  readonly text: string;
  /** Undefined while the holder has not written its record yet (or wrote garbage). */
  readonly record: LockRecord | undefined;
  /** When the lock file was last written, epoch milliseconds. */
  readonly writtenAt: number;
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { text, record: parseRecord(text), writtenAt: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseRecord(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord>;
    const valid =
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.host === 'string' &&
      Number.isFinite(value.createdAt) &&
      typeof value.nonce === 'string';
    return valid ? (value as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stale when its holder is a process of this host that no longer runs, or when it is older than
 * the bound (judged by the file's time when the record is missing: a holder may be between
 * creating the file and writing it).
 */
function isStale(held: Holder, now: number, staleAfterMs: number): boolean {
  const { record } = held;
  if (record !== undefined && record.host === hostname() && !isRunning(record.pid)) return true;
  const since = record?.createdAt ?? held.writtenAt;
  return now - since > staleAfterMs;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock if it is still ours (a holder judged stale may have lost it meanwhile). */
async function release(lockPath: string, mine: string): Promise<void> {
  const held = await readHolder(lockPath);
  if (held?.text === mine) await unlink(lockPath).catch(ignoreMissing);
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
