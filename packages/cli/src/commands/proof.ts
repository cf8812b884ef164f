// `rolegate proof`: prints an rgsts1 proof made with the caller's AWS credentials. What it runs:
// ../actions/proof.ts.
import type { Command } from 'commander';
import type { LoginTargetFlags } from '../lib/login-target.ts';
import { addLoginFlags } from './login-flags.ts';

export function registerProofCommand(program: Command): void {
  addLoginFlags(
    program
      .command('proof')
      .description('print a presigned sts:GetCallerIdentity proof (rgsts1.…) for a broker'),
  ).action(async (flags: LoginTargetFlags) => {
    const { runProof } = await import('../actions/proof.ts');
    await runProof(flags);
  });
}
