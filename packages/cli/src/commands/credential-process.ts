// `rolegate credential-process`: AWS's `credential_process` protocol — temporary credentials from
// IAM Roles Anywhere as one JSON object on stdout, nothing else. Runs on every credential refresh
// of every SDK, so the action loads the signer alone (@rolegate/client/roles-anywhere).
import type { Command } from 'commander';
import { addRolesAnywhereFlags, type RolesAnywhereFlags } from './roles-anywhere-flags.ts';

export function registerCredentialProcessCommand(program: Command): void {
  addRolesAnywhereFlags(
    program
      .command('credential-process')
      .description(
        'print temporary AWS credentials from IAM Roles Anywhere for an SDK (credential_process)',
      ),
  ).action(async (flags: RolesAnywhereFlags) => {
    const { runCredentialProcess } = await import('../actions/roles-anywhere.ts');
    await runCredentialProcess(flags);
  });
}
