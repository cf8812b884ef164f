// The login behind `rolegate token` and `rolegate exec` on a cache miss: a proof (STS, X.509
// assertion, TLS client certificate or Workload API SVID) exchanged at the broker for a JWT. With
// several brokers the login fails over between them, signing a new proof for each attempt
// (@rolegate/client's BrokerFailover). The flag combinations were checked before (./token.ts);
// this module loads @rolegate/client.
import { readFileSync } from 'node:fs';
import {
  BrokerFailover,
  type CredentialSource,
  createStsProof,
  createX509Assertion,
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
    brokerUrl: target.brokerUrls!,
    loginAudience: target.loginAudience,
    svid: flags.jwtSvid ? 'jwt' : 'x509',
  });
  return provider(flags.audience);
}

async function tokenWithProof(flags: TokenFlags, target: LoginTarget): Promise<IssuedToken> {
  const brokers = failoverFor(target);
  if (flags.tls) return brokers.run((at) => tokenOverTls(flags, at.brokerUrl, at.timeoutMs));
  const sts =
    flags.cert === undefined && flags.key === undefined && flags.devWorkload === undefined;
  return brokers.exchange({
    audience: flags.audience,
    subjectTokenType: sts ? STS_PROOF_TOKEN_TYPE : X509_ASSERTION_TOKEN_TYPE,
    // A new proof for every attempt, signed for the login audience of the broker it goes to.
    subjectToken: ({ loginAudience }) =>
      sts
        ? createStsProof({
            audience: loginAudience,
            credentials: target.credentials,
            endpoint: target.endpoint,
          })
        : certificateAssertion(flags, loginAudience),
  });
}

// One per broker list for the life of the process: `exec --token-file` refreshes through the same
// one, so a broker found down is passed over on the next refresh.
const failovers = new Map<string, BrokerFailover>();

function failoverFor(target: LoginTarget): BrokerFailover {
  const key = JSON.stringify([target.brokerUrls, target.loginAudience ?? null]);
  let failover = failovers.get(key);
  if (failover === undefined) {
    failover = new BrokerFailover({
      brokerUrl: target.brokerUrls!,
      loginAudience: target.loginAudience,
    });
    failovers.set(key, failover);
  }
  return failover;
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

function tokenOverTls(
  flags: TokenFlags,
  brokerUrl: string,
  timeoutMs: number,
): Promise<IssuedToken> {
  return requestTokenWithTlsCertificate({
    brokerUrl,
    timeoutMs,
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
