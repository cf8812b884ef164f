// `rolegate token --audience A`: proves the caller's AWS identity to the broker and prints a JWT.
import { createStsProof, exchangeToken, STS_PROOF_TOKEN_TYPE } from '@rolegate/client';
import type { Command } from 'commander';
import { type LoginTargetFlags, resolveLoginTarget } from '../lib/login-target.ts';
import { addLoginFlags } from './login-flags.ts';

interface TokenFlags extends LoginTargetFlags {
  audience: string;
  json?: boolean;
}

export function registerTokenCommand(program: Command): void {
  addLoginFlags(
    program
      .command('token')
      .description('get a rolegate token for a target service, using your AWS credentials')
      .requiredOption('--audience <aud>', 'the service the token is for (its aud claim)')
      .option('--json', 'print the whole token response as JSON'),
  ).action(async (flags: TokenFlags) => {
    const target = await resolveLoginTarget(flags, true);
    const proof = await createStsProof({
      audience: target.loginAudience,
      credentials: target.credentials,
      endpoint: target.endpoint,
    });
    const token = await exchangeToken({
      brokerUrl: target.brokerUrl!,
      audience: flags.audience,
      subjectToken: proof,
      subjectTokenType: STS_PROOF_TOKEN_TYPE,
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ access_token: token.accessToken, token_type: token.tokenType, expires_in: token.expiresIn, expires_at: token.expiresAt.toISOString() }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(`${token.accessToken}\n`);
    }
  });
}
