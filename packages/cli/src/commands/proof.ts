// `rolegate proof`: prints an rgsts1 proof made with the caller's AWS credentials.
import { createStsProof } from '@rolegate/client';
import type { Command } from 'commander';
import { type LoginTargetFlags, resolveLoginTarget } from '../lib/login-target.ts';
import { addLoginFlags } from './login-flags.ts';

export function registerProofCommand(program: Command): void {
  addLoginFlags(
    program
      .command('proof')
      .description('print a presigned sts:GetCallerIdentity proof (rgsts1.…) for a broker'),
  ).action(async (flags: LoginTargetFlags) => {
    const target = await resolveLoginTarget(flags, false);
    const proof = await createStsProof({
      audience: target.loginAudience,
      credentials: target.credentials,
      endpoint: target.endpoint,
    });
    process.stdout.write(`${proof}\n`);
  });
}
