// Where cached tokens live, and the check that the folder is ours alone before anything in it is
// read or written: a token in a folder another user can write is a token that user can swap.

import { lstat, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * `--cache-dir`, else `$ROLEGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/rolegate/tokens` (a relative
 * XDG_CACHE_HOME is ignored, as the XDG spec says), else `~/.cache/rolegate/tokens`.
 */
export function tokenCacheDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.ROLEGATE_CACHE_DIR) return env.ROLEGATE_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'rolegate', 'tokens');
}

/**
 * Creates the folder (mode 0700) when missing and returns undefined when it can be used, else why
 * not: a symlink, not a folder, another owner, or open to other users (left as the user made it,
 * not silently changed). The caller then works without a cache rather than trust it.
 */
export async function checkCacheDir(dir: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (info.isSymbolicLink()) return `${dir} is a symlink`;
  if (!info.isDirectory()) return `${dir} is not a folder`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `${dir} belongs to uid ${info.uid}`;
  if ((info.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${modeOf(info.mode)})`;
  return undefined;
}

export function modeOf(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}
