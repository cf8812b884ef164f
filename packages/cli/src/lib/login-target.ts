// Which brokers a client command talks to (./broker-urls.ts), which login audience its proof must
// sign, and whose credentials sign it: flags first, then environment, then a running `rolegate dev`.
import {
  type CredentialSource,
  discoverLoginAudience,
  RolegateClientError,
  type StsEndpointChoice,
} from '@rolegate/client';
import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';
import { brokerUrlsOf } from './broker-urls.ts';
import { CliError } from './errors.ts';

export interface LoginTargetFlags {
  broker?: string[];
  loginAudience?: string;
  devIdentity?: string;
  stateDir?: string;
  region?: string;
  global?: boolean;
}

export interface LoginTarget {
  /** First preferred; a login fails over between them. */
  readonly brokerUrls?: readonly string[];
  /**
   * --login-audience; when absent, each broker's own (from its discovery document) — read by the
   * login for the broker it asks, or up front when `needBroker` is false (a bare proof).
   */
  readonly loginAudience?: string;
  readonly credentials?: CredentialSource;
  readonly endpoint?: StsEndpointChoice;
}

export async function resolveLoginTarget(
  flags: LoginTargetFlags,
  needBroker: boolean,
): Promise<LoginTarget> {
  const stateDir = flags.stateDir ?? DEFAULT_DEV_STATE_DIR;
  const dev = readDevDescription(stateDir);
  const brokerUrls = brokerUrlsOf(flags);
  if (needBroker && !brokerUrls) {
    throw new CliError(
      'cli.no_broker',
      'no broker: pass --broker URL, set ROLEGATE_BROKER_URL, or start `rolegate dev`',
    );
  }
  let loginAudience = flags.loginAudience;
  if (!needBroker && loginAudience === undefined) {
    if (!brokerUrls)
      throw new CliError('cli.no_login_audience', 'pass --login-audience or --broker URL');
    loginAudience = await firstLoginAudience(brokerUrls);
  }

  let credentials: CredentialSource | undefined;
  if (flags.devIdentity) {
    const identity = dev?.identities.find((i) => i.name === flags.devIdentity);
    if (!identity) {
      const known =
        dev?.identities.map((i) => i.name).join(', ') ?? 'none: is `rolegate dev` running?';
      throw new CliError(
        'cli.unknown_dev_identity',
        `no dev identity ${flags.devIdentity} in ${stateDir} (known: ${known})`,
      );
    }
    credentials = {
      accessKeyId: identity.accessKeyId,
      secretAccessKey: identity.secretAccessKey,
      sessionToken: identity.sessionToken,
    };
  }
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint: StsEndpointChoice | undefined = flags.global
    ? { kind: 'global' }
    : region
      ? { kind: 'regional', region }
      : flags.devIdentity
        ? { kind: 'regional', region: 'us-east-1' }
        : undefined;
  return { brokerUrls, loginAudience, credentials, endpoint };
}

/** The login audience of the first broker whose discovery document can be read. */
async function firstLoginAudience(brokerUrls: readonly string[]): Promise<string> {
  let unreachable: unknown;
  for (const url of brokerUrls) {
    try {
      return await discoverLoginAudience(url);
    } catch (error) {
      if (!(error instanceof RolegateClientError && error.code === 'client.broker_unreachable'))
        throw error;
      unreachable = error;
    }
  }
  throw unreachable;
}
