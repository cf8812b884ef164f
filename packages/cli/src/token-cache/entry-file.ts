// Reading and writing one cache file without trusting it. A read opens with O_NOFOLLOW (a symlink
// planted at the name is refused, not followed) and checks the opened descriptor — owner and mode
// from fstat, so nothing can swap the file between the check and the read. Anything that fails a
// check is a miss: the next write replaces it (a rename replaces the name, never a symlink's
// target). Writes go to a fresh temporary file (O_EXCL, 0600) renamed over the name.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { replaceFile } from '../roles-anywhere/replace-file.ts';
import { modeOf } from './cache-dir.ts';
import { type CachedToken, parseEntry, serializeEntry } from './cache-entry.ts';

/** A cache file is a few kilobytes; anything far larger is not ours. */
const MAX_ENTRY_BYTES = 64 * 1024;

export type EntryRead =
  | { readonly kind: 'entry'; readonly entry: CachedToken }
  | { readonly kind: 'missing' }
  /** There is a file, and it is not to be trusted; `reason` is for a warning. */
  | { readonly kind: 'refused'; readonly reason: string };

export async function readEntryFile(path: string): Promise<EntryRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    // ELOOP: the name is a symlink (Linux, macOS); EMLINK on FreeBSD.
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'refused', reason: 'a symlink' };
    return { kind: 'refused', reason: `unreadable (${code})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'refused', reason: 'not a regular file' };
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid)
      return { kind: 'refused', reason: `owned by uid ${info.uid}` };
    if ((info.mode & 0o077) !== 0)
      return { kind: 'refused', reason: `open to other users (mode ${modeOf(info.mode)})` };
    if (info.size > MAX_ENTRY_BYTES) return { kind: 'refused', reason: 'too large' };
    const entry = parseEntry(await handle.readFile('utf8'));
    return entry === undefined
      ? { kind: 'refused', reason: 'not a cache entry' }
      : { kind: 'entry', entry };
  } finally {
    await handle.close();
  }
}

export function writeEntryFile(path: string, entry: CachedToken): Promise<void> {
  return replaceFile(path, serializeEntry(entry), { mode: 0o600 });
}
