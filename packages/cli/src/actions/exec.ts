// What `rolegate exec` runs (its flags: ../commands/exec.ts): CMD with ROLEGATE_TOKEN set to a
// fresh token, and with --token-file the token written there (mode 0600) and rewritten ahead of
// expiry for as long as CMD runs.
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fromBrokerWithAwsCredentials, TokenSource } from '@rolegate/client';
import type { ExecFlags } from '../commands/exec.ts';
import { CliError } from '../lib/errors.ts';
import { resolveLoginTarget } from '../lib/login-target.ts';

const FILE_CHECK_INTERVAL_MS = 5_000;

export async function runExec(command: string[], flags: ExecFlags): Promise<void> {
  const target = await resolveLoginTarget(flags, true);
  // Always a fresh token from the broker: an inherited ROLEGATE_TOKEN may be for another audience.
  const source = new TokenSource({
    provider: fromBrokerWithAwsCredentials({
      brokerUrl: target.brokerUrl,
      loginAudience: target.loginAudience,
      credentials: target.credentials,
      endpoint: target.endpoint,
    }),
  });
  let current = await source.getToken(flags.audience);
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
  const timer = flags.tokenFile
    ? setInterval(() => {
        source
          .getToken(flags.audience)
          .then((token) => {
            if (token !== current) {
              current = token;
              writeAtomically(flags.tokenFile!, token);
            }
          })
          // A failed refresh is retried with back-off; the file keeps the still-valid token.
          .catch((error: Error) =>
            process.stderr.write(`rolegate exec: token refresh failed: ${error.message}\n`),
          );
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
