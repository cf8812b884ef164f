// `rolegate exec --audience A -- CMD …`: runs CMD with ROLEGATE_TOKEN set to a fresh token. With
// --token-file, the token is also written there (mode 0600) and rewritten ahead of expiry for as
// long as CMD runs, so long-lived programs can re-read it.
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fromBrokerWithAwsCredentials, TokenSource } from '@rolegate/client';
import type { Command } from 'commander';
import { CliError } from '../lib/errors.ts';
import { type LoginTargetFlags, resolveLoginTarget } from '../lib/login-target.ts';
import { addLoginFlags } from './login-flags.ts';

interface ExecFlags extends LoginTargetFlags {
  audience: string;
  tokenFile?: string;
}

const FILE_CHECK_INTERVAL_MS = 5_000;

export function registerExecCommand(program: Command): void {
  addLoginFlags(
    program
      .command('exec')
      .description('run a command with ROLEGATE_TOKEN set (and a token file kept fresh, if asked)')
      .requiredOption('--audience <aud>', 'the service the token is for')
      .option(
        '--token-file <path>',
        'also write the token here and keep it fresh while the command runs',
      )
      .argument('<command...>', 'the command and its arguments, after --'),
  ).action(async (command: string[], flags: ExecFlags) => {
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
  });
}

function writeAtomically(path: string, token: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // O_EXCL: in a shared folder such as /tmp, a planted symlink at the temporary name must not make
  // us write the token through it.
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}
