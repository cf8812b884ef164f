// What `rolegate token` runs (its flags: ../commands/token.ts): the cached token for this broker,
// audience and identity while it is fresh (../token-cache/), else a proof exchanged at the broker
// (./issue-token.ts, loaded only then), printed. Flag combinations are checked first, so a cache
// hit refuses the same mistakes a login does.

import type { TokenFlags } from '../commands/token.ts';
import { CliError } from '../lib/errors.ts';
import { cachedLogin } from '../token-cache/cached-login.ts';

export async function runToken(flags: TokenFlags): Promise<void> {
  checkTokenFlags(flags, process.env);
  const { token } = await cachedLogin({
    flags,
    audience: flags.audience,
    issue: async (credentials) => {
      const { issueToken } = await import('./issue-token.ts');
      return issueToken(flags, credentials);
    },
  });
  if (flags.json) {
    const expiresIn = Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000));
    process.stdout.write(
      `${JSON.stringify({ access_token: token.accessToken, token_type: token.tokenType, expires_in: expiresIn, expires_at: token.expiresAt.toISOString() }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${token.accessToken}\n`);
  }
}

/** The flag combinations `token` refuses, whichever way it logs in. */
function checkTokenFlags(flags: TokenFlags, env: NodeJS.ProcessEnv): void {
  const invalid = (message: string) => new CliError('cli.invalid_option', message);
  if (flags.workloadApi !== undefined) {
    const others = [flags.cert, flags.key, flags.chain, flags.devWorkload, flags.devIdentity];
    if (others.some((f) => f !== undefined) || flags.global || flags.region !== undefined)
      throw invalid(
        '--workload-api logs in with the SVID of the Workload API: no other credential flags apply',
      );
    if (flags.workloadApi === true && !env.SPIFFE_ENDPOINT_SOCKET)
      throw invalid('--workload-api needs an address, or $SPIFFE_ENDPOINT_SOCKET');
    return;
  }
  if (flags.jwtSvid) throw invalid('--jwt-svid goes with --workload-api');
  if (flags.tls) {
    if (flags.cert === undefined || flags.key === undefined || flags.devWorkload !== undefined)
      throw invalid('--tls logs in with --cert and --key');
    return;
  }
  if (flags.ca !== undefined) throw invalid('--ca goes with --tls');
  if (flags.cert === undefined && flags.key === undefined && flags.devWorkload === undefined)
    return;
  if (
    flags.devWorkload !== undefined &&
    (flags.cert !== undefined || flags.key !== undefined || flags.chain !== undefined)
  )
    throw invalid('--dev-workload or --cert/--key, not both');
  if (flags.devWorkload === undefined && (flags.cert === undefined || flags.key === undefined))
    throw invalid('--cert and --key go together');
  if (flags.devIdentity !== undefined || flags.global || flags.region !== undefined)
    throw invalid(
      '--cert logs in with a certificate: --dev-identity, --region and --global do not apply',
    );
}
