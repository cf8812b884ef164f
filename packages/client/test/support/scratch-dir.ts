// A temporary directory for the files a test writes (certificates, keys, bundles, passphrases),
// removed by `cleanup`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchDir {
  readonly path: string;
  /** Writes `content` to `name` in the directory (mode 0600) and returns its path. */
  write(name: string, content: string | Uint8Array): string;
  cleanup(): void;
}

export function scratchDir(prefix: string): ScratchDir {
  const path = mkdtempSync(join(tmpdir(), `rolegate-${prefix}-`));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, content);
      chmodSync(file, 0o600);
      return file;
    },
    cleanup() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
