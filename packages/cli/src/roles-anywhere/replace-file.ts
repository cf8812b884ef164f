// Replaces a file's content in one step: readers (an SDK reading credentials while `update`
// writes) see the old file or the new one, never a truncated one, even if the machine stops
// mid-write. AWS's helper truncates and rewrites in place instead.

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface ReplaceFileOptions {
  /** The mode of the new file, exactly (the umask does not apply). */
  readonly mode: number;
  /** Owner to give the new file (only root can; others keep their own). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

/** Writes `data` to a temporary file beside `path`, flushes it to disk, and renames it over `path`. */
export async function replaceFile(
  path: string,
  data: string,
  options: ReplaceFileOptions,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(options.mode);
      if (options.owner !== undefined && process.getuid?.() === 0)
        await handle.chown(options.owner.uid, options.owner.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Some systems cannot open a directory for this; they skip it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}
