// What `rolegate exec` runs (its flags: ../commands/exec.ts): CMD with ROLEGATE_TOKEN set to a
// fresh token — the cached one while it is fresh, as `token` does (../token-cache/) — and with
// --token-file the token written there (mode 0600) and rewritten ahead of expiry for as long as
// CMD runs. @rolegate/client loads only when a token must be made.
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ExecFlags } from '../commands/exec.ts';
import { CliError } from '../lib/errors.ts';
import { cachedLogin } from '../token-cache/cached-login.ts';

const FILE_CHECK_INTERVAL_MS = 5_000;

export async function runExec(command: string[], flags: ExecFlags): Promise<void> {
  // Always a token for this audience: an inherited ROLEGATE_TOKEN may be for another one.
  const login = await cachedLogin({
    flags,
    audience: flags.audience,
    issue: async (credentials) => {
      const { issueToken } = await import('./issue-token.ts');
      return issueToken(flags, credentials);
    },
  });
  let current = login.token.accessToken;
  if (flags.tokenFile) writeAtomically(flags.tokenFile, current);

  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      ROLEGATE_TOKEN: current,
      ...(flags.tokenFile ? { ROLEGATE_TOKEN_FILE: flags.tokenFile } : {}),
    },
  });
  // Each check reads the store (the cache file, or memory with --no-cache) and exchanges only
  // when the token nears expiry; a failed refresh keeps the still-valid token in the file.
  let checking = false;
  const timer = flags.tokenFile
    ? setInterval(() => {
        if (checking) return;
        checking = true;
        login
          .refresh()
          .then((token) => {
            if (token.accessToken !== current) {
              current = token.accessToken;
              writeAtomically(flags.tokenFile!, current);
            }
          })
          .catch((error: Error) =>
            process.stderr.write(`rolegate exec: token refresh failed: ${error.message}\n`),
          )
          .finally(() => {
            checking = false;
          });
      }, FILE_CHECK_INTERVAL_MS)
    : undefined;
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new CliError('cli.exec_failed', `cannot run ${file}: ${error.message}`)),
    );
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 1 : 1)));
  }).finally(() => {
    clearInterval(timer);
    process.off('SIGINT', forward).off('SIGTERM', forward);
  });
  process.exitCode = code;
}

function writeAtomically(path: string, token: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // O_EXCL: in a shared folder such as /tmp, a planted symlink at the temporary name must not make
  // us write the token through it.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}
