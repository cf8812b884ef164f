// `rolegate token --audience A`: proves the caller's AWS identity (or, with --cert/--key, its X.509
// certificate; with --workload-api, the SVID a SPIRE agent gives it) to the broker and prints a JWT.
// A token is cached until shortly before it expires (../token-cache/). What it runs is loaded
// only when it runs: ../actions/token.ts, and @rolegate/client only on a cache miss.
import type { Command } from 'commander';
import type { LoginTargetFlags } from '../lib/login-target.ts';
import type { CacheFlags } from '../token-cache/open-store.ts';
import { addCacheFlags, addLoginFlags } from './login-flags.ts';

export interface TokenFlags extends LoginTargetFlags, CacheFlags {
  audience: string;
  json?: boolean;
  cert?: string;
  key?: string;
  chain?: string;
  devWorkload?: string;
  workloadApi?: string | true;
  jwtSvid?: boolean;
  tls?: boolean;
  ca?: string;
}

export function registerTokenCommand(program: Command): void {
  addCacheFlags(
    addLoginFlags(
      program
        .command('token')
        .description(
          'get a rolegate token for a target service, using your AWS credentials or a certificate',
        )
        .requiredOption('--audience <aud>', 'the service the token is for (its aud claim)')
        .option('--cert <file>', 'log in with this X.509 certificate (PEM, leaf first) instead')
        .option(
          '--key <file>',
          "the certificate's private key (PEM or DER; $ROLEGATE_KEY_PASSPHRASE)",
        )
        .option('--chain <file>', 'intermediate certificates (PEM), if the leaf file lacks them')
        .option(
          '--dev-workload <name>',
          'log in with the SPIFFE SVID of a `rolegate dev` workload (orders, reviews)',
        )
        .option(
          '--workload-api [address]',
          'log in with the SVID of the SPIFFE Workload API (default: $SPIFFE_ENDPOINT_SOCKET)',
        )
        .option('--jwt-svid', 'with --workload-api: a JWT-SVID instead of the X.509-SVID')
        .option(
          '--tls',
          'with --cert/--key: log in with the certificate as TLS client certificate (an https broker with listen.tls)',
        )
        .option('--ca <file>', "with --tls: a CA (PEM) to trust for the broker's certificate")
        .option('--json', 'print the whole token response as JSON'),
    ),
  ).action(async (flags: TokenFlags) => {
    const { runToken } = await import('../actions/token.ts');
    await runToken(flags);
  });
}
