// The login behind `rolegate token` and `rolegate exec` on a cache miss: a proof (STS, X.509
// assertion, TLS client certificate or Workload API SVID) exchanged at the broker for a JWT. The
// flag combinations were checked before (./token.ts); this module loads @rolegate/client.
import { readFileSync } from 'node:fs';
import {
  type CredentialSource,
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
import { type LoginTarget, resolveLoginTarget } from '../lib/login-target.ts';
import type { CachedToken } from '../token-cache/cache-entry.ts';

/**
 * A new token for `flags.audience`. `credentials`, when given, are the caller's AWS credentials
 * already resolved (to name the cache entry): used instead of running the SDK's chain again.
 */
export async function issueToken(
  flags: TokenFlags,
  credentials?: CredentialSource,
): Promise<CachedToken> {
  const resolved = await resolveLoginTarget(flags, true);
  const target = credentials === undefined ? resolved : { ...resolved, credentials };
  const token =
    flags.workloadApi === undefined
      ? await tokenWithProof(flags, target)
      : await tokenFromWorkloadApi(flags, target);
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    issuedTokenType: token.issuedTokenType,
    obtainedAt: new Date(token.expiresAt.getTime() - token.expiresIn * 1000),
    expiresAt: token.expiresAt,
  };
}

async function tokenFromWorkloadApi(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  const provider = fromWorkloadApi({
    address: flags.workloadApi === true ? undefined : flags.workloadApi,
    brokerUrl: target.brokerUrl!,
    loginAudience: target.loginAudience,
    svid: flags.jwtSvid ? 'jwt' : 'x509',
  });
  return provider(flags.audience);
}

async function tokenWithProof(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  if (flags.tls) return tokenOverTls(flags, target);
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
  return createX509Assertion({
    audience: loginAudience,
    certificate: readCredentialFile(flags.cert!, '--cert'),
    privateKey: readCredentialFile(flags.key!, '--key'),
    chain: flags.chain === undefined ? undefined : readCredentialFile(flags.chain, '--chain'),
    passphrase: process.env.ROLEGATE_KEY_PASSPHRASE,
  });
}

async function tokenOverTls(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  return requestTokenWithTlsCertificate({
    brokerUrl: target.brokerUrl!,
    audience: flags.audience,
    certificate: readCredentialFile(flags.cert!, '--cert'),
    privateKey: readCredentialFile(flags.key!, '--key'),
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
