// Where `obtainToken` keeps a token between calls: a file shared by every `rolegate` process of
// this user (with a lock file, so parallel runs share one exchange), or — with --no-cache, or
// when the cache folder is not safe — this process's memory (so `exec --token-file` still
// refreshes ahead of expiry).

import { join } from 'node:path';
import { withFileLock } from '../roles-anywhere/file-lock.ts';
import type { CachedToken } from './cache-entry.ts';
import { readEntryFile, writeEntryFile } from './entry-file.ts';

export interface TokenStore {
  read(): Promise<CachedToken | undefined>;
  write(entry: CachedToken): Promise<void>;
  /** Runs `work` while no other holder of this store (process or call) runs its own. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

export type Warn = (message: string) => void;

/** The cache file `name` in `dir` (a folder checkCacheDir accepted), with `name.lock` beside it. */
export function fileTokenStore(dir: string, name: string, warn: Warn): TokenStore {
  const path = join(dir, name);
  const warned = new Set<string>();
  return {
    async read() {
      const read = await readEntryFile(path);
      if (read.kind === 'entry') return read.entry;
      if (read.kind === 'refused' && !warned.has(read.reason)) {
        warned.add(read.reason);
        warn(`ignoring the cached token file ${path}: ${read.reason}; it will be replaced`);
      }
      return undefined;
    },
    write: (entry) => writeEntryFile(path, entry),
    exclusive: (work) => withFileLock(`${path}.lock`, work),
  };
}

export function memoryTokenStore(): TokenStore {
  let held: CachedToken | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    read: async () => held,
    write: async (entry) => {
      held = entry;
    },
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      const run = queue.then(work, work);
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
