// `rolegate serve`: an EC2 IMDSv2-compatible endpoint on loopback handing out IAM Roles Anywhere
// credentials, refreshed before they expire; SDKs reach it through
// AWS_EC2_METADATA_SERVICE_ENDPOINT. What it runs: ../actions/roles-anywhere.ts.
import type { Command } from 'commander';
import { addRolesAnywhereFlags, type RolesAnywhereFlags } from './roles-anywhere-flags.ts';

export interface ServeFlags extends RolesAnywhereFlags {
  port: string;
}

export function registerServeCommand(program: Command): void {
  addRolesAnywhereFlags(
    program
      .command('serve')
      .description(
        'serve IAM Roles Anywhere credentials on an IMDSv2-compatible loopback endpoint',
      ),
  )
    .option('--port <port>', 'the port on 127.0.0.1 (0: any free port)', '9911')
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('../actions/roles-anywhere.ts');
      await runServe(flags);
    });
}
