// Which broker a client command talks to, which login audience its proof must sign, and whose
// credentials sign it: flags first, then environment, then a running `rolegate dev`.
import {
  type CredentialSource,
  discoverLoginAudience,
  type StsEndpointChoice,
} from '@rolegate/client';
import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';
import { CliError } from './errors.ts';

export interface LoginTargetFlags {
  broker?: string;
  loginAudience?: string;
  devIdentity?: string;
  stateDir?: string;
  region?: string;
  global?: boolean;
}

export interface LoginTarget {
  readonly brokerUrl?: string;
  readonly loginAudience: string;
  readonly credentials?: CredentialSource;
  readonly endpoint?: StsEndpointChoice;
}

export async function resolveLoginTarget(
  flags: LoginTargetFlags,
  needBroker: boolean,
): Promise<LoginTarget> {
  const stateDir = flags.stateDir ?? DEFAULT_DEV_STATE_DIR;
  const dev = readDevDescription(stateDir);
  const brokerUrl = flags.broker ?? process.env.ROLEGATE_BROKER_URL ?? dev?.broker.url;
  if (needBroker && !brokerUrl) {
    throw new CliError(
      'cli.no_broker',
      'no broker: pass --broker URL, set ROLEGATE_BROKER_URL, or start `rolegate dev`',
    );
  }
  const loginAudience =
    flags.loginAudience ?? (brokerUrl ? await discoverLoginAudience(brokerUrl) : undefined);
  if (!loginAudience)
    throw new CliError('cli.no_login_audience', 'pass --login-audience or --broker URL');

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
  return { brokerUrl, loginAudience, credentials, endpoint };
}
