// `rolegate exec --audience A -- CMD …`: runs CMD with ROLEGATE_TOKEN set to a fresh token (from
// the token cache while one is fresh, as `token` does). With
// --token-file, the token is also written there (mode 0600) and rewritten ahead of expiry for as
// long as CMD runs, so long-lived programs can re-read it. What it runs: ../actions/exec.ts.
import type { Command } from 'commander';
import type { LoginTargetFlags } from '../lib/login-target.ts';
import type { CacheFlags } from '../token-cache/open-store.ts';
import { addCacheFlags, addLoginFlags } from './login-flags.ts';

export interface ExecFlags extends LoginTargetFlags, CacheFlags {
  audience: string;
  tokenFile?: string;
}

export function registerExecCommand(program: Command): void {
  addCacheFlags(
    addLoginFlags(
      program
        .command('exec')
        .description(
          'run a command with ROLEGATE_TOKEN set (and a token file kept fresh, if asked)',
        )
        .requiredOption('--audience <aud>', 'the service the token is for')
        .option(
          '--token-file <path>',
          'also write the token here and keep it fresh while the command runs',
        )
        .argument('<command...>', 'the command and its arguments, after --'),
    ),
  ).action(async (command: string[], flags: ExecFlags) => {
    const { runExec } = await import('../actions/exec.ts');
    await runExec(command, flags);
  });
}
