// What `rolegate token` runs (its flags: ../commands/token.ts): a proof (STS, X.509 assertion,
// TLS client certificate or Workload API SVID) exchanged at the broker for a JWT, printed.
import { readFileSync } from 'node:fs';
import {
  createStsProof,
  createX509Assertion,
  exchangeToken,
  fromWorkloadApi,
  type IssuedToken,
  requestTokenWithTlsCertificate,
  STS_PROOF_TOKEN_TYPE,
  X509_ASSERTION_TOKEN_TYPE,
} from '@rolegate/client';
import type { TokenFlags } from '../commands/token.ts';
import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';
import { CliError } from '../lib/errors.ts';
import { resolveLoginTarget } from '../lib/login-target.ts';

export async function runToken(flags: TokenFlags): Promise<void> {
  const target = await resolveLoginTarget(flags, true);
  const token =
    flags.workloadApi === undefined
      ? await tokenWithProof(flags, target)
      : await tokenFromWorkloadApi(flags, target);
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ access_token: token.accessToken, token_type: token.tokenType, expires_in: token.expiresIn, expires_at: token.expiresAt.toISOString() }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${token.accessToken}\n`);
  }
}

type LoginTarget = Awaited<ReturnType<typeof resolveLoginTarget>>;

async function tokenFromWorkloadApi(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  const others = [flags.cert, flags.key, flags.chain, flags.devWorkload, flags.devIdentity];
  if (others.some((f) => f !== undefined) || flags.global || flags.region !== undefined) {
    throw new CliError(
      'cli.invalid_option',
      '--workload-api logs in with the SVID of the Workload API: no other credential flags apply',
    );
  }
  if (flags.workloadApi === true && !process.env.SPIFFE_ENDPOINT_SOCKET) {
    throw new CliError(
      'cli.invalid_option',
      '--workload-api needs an address, or $SPIFFE_ENDPOINT_SOCKET',
    );
  }
  const provider = fromWorkloadApi({
    address: flags.workloadApi === true ? undefined : flags.workloadApi,
    brokerUrl: target.brokerUrl!,
    loginAudience: target.loginAudience,
    svid: flags.jwtSvid ? 'jwt' : 'x509',
  });
  return provider(flags.audience);
}

async function tokenWithProof(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  if (flags.jwtSvid)
    throw new CliError('cli.invalid_option', '--jwt-svid goes with --workload-api');
  if (flags.tls) return tokenOverTls(flags, target);
  if (flags.ca !== undefined) throw new CliError('cli.invalid_option', '--ca goes with --tls');
  const [subjectToken, subjectTokenType] =
    flags.cert === undefined && flags.key === undefined && flags.devWorkload === undefined
      ? [
          await createStsProof({
            audience: target.loginAudience,
            credentials: target.credentials,
            endpoint: target.endpoint,
          }),
          STS_PROOF_TOKEN_TYPE,
        ]
      : [await certificateAssertion(flags, target.loginAudience), X509_ASSERTION_TOKEN_TYPE];
  return exchangeToken({
    brokerUrl: target.brokerUrl!,
    audience: flags.audience,
    subjectToken,
    subjectTokenType,
  });
}

async function certificateAssertion(flags: TokenFlags, loginAudience: string): Promise<string> {
  if (flags.devWorkload !== undefined) {
    if (flags.cert !== undefined || flags.key !== undefined || flags.chain !== undefined) {
      throw new CliError('cli.invalid_option', '--dev-workload or --cert/--key, not both');
    }
    const stateDir = flags.stateDir ?? DEFAULT_DEV_STATE_DIR;
    const workload = readDevDescription(stateDir)?.x509?.workloads.find(
      (w) => w.name === flags.devWorkload,
    );
    if (workload === undefined) {
      throw new CliError(
        'cli.unknown_dev_identity',
        `no dev workload ${flags.devWorkload} in ${stateDir}: is \`rolegate dev\` running?`,
      );
    }
    flags = {
      ...flags,
      cert: workload.cert,
      key: workload.key,
      chain: workload.chain,
      devWorkload: undefined,
    };
  }
  if (flags.cert === undefined || flags.key === undefined) {
    throw new CliError('cli.invalid_option', '--cert and --key go together');
  }
  if (flags.devIdentity !== undefined || flags.global || flags.region !== undefined) {
    throw new CliError(
      'cli.invalid_option',
      '--cert logs in with a certificate: --dev-identity, --region and --global do not apply',
    );
  }
  return createX509Assertion({
    audience: loginAudience,
    certificate: readCredentialFile(flags.cert, '--cert'),
    privateKey: readCredentialFile(flags.key, '--key'),
    chain: flags.chain === undefined ? undefined : readCredentialFile(flags.chain, '--chain'),
    passphrase: process.env.ROLEGATE_KEY_PASSPHRASE,
  });
}

async function tokenOverTls(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  if (flags.cert === undefined || flags.key === undefined || flags.devWorkload !== undefined) {
    throw new CliError('cli.invalid_option', '--tls logs in with --cert and --key');
  }
  return requestTokenWithTlsCertificate({
    brokerUrl: target.brokerUrl!,
    audience: flags.audience,
    certificate: readCredentialFile(flags.cert, '--cert'),
    privateKey: readCredentialFile(flags.key, '--key'),
    chain: flags.chain === undefined ? undefined : readCredentialFile(flags.chain, '--chain'),
    passphrase: process.env.ROLEGATE_KEY_PASSPHRASE,
    ca: flags.ca === undefined ? undefined : readCredentialFile(flags.ca, '--ca'),
  });
}

function readCredentialFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError('cli.invalid_option', `${flag} ${path}: ${(error as Error).message}`);
  }
}
