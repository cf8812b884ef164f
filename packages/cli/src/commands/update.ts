// `rolegate update`: keeps a profile of the shared credentials file holding fresh IAM Roles
// Anywhere credentials. What it runs: ../actions/roles-anywhere.ts.
import type { Command } from 'commander';
import { addRolesAnywhereFlags, type RolesAnywhereFlags } from './roles-anywhere-flags.ts';

export interface UpdateFlags extends RolesAnywhereFlags {
  profile: string;
  credentialsFile?: string;
  once?: boolean;
}

export function registerUpdateCommand(program: Command): void {
  addRolesAnywhereFlags(
    program
      .command('update')
      .description(
        'keep a profile of the shared credentials file fresh with IAM Roles Anywhere credentials',
      ),
  )
    .option('--profile <name>', 'the profile to write', 'default')
    .option(
      '--credentials-file <file>',
      'the shared credentials file (default: $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)',
    )
    .option('--once', 'write once and exit instead of refreshing until stopped')
    .action(async (flags: UpdateFlags) => {
      const { runUpdate } = await import('../actions/roles-anywhere.ts');
      await runUpdate(flags);
    });
}
