// Who is logging in, told apart without loading @rolegate/client or the AWS SDK, so that a cached
// token is found in the time Node takes to start. The rule, in the order the login itself uses:
//
//   --workload-api [ADDR]      workload-api:<address>:<x509|jwt>
//   --dev-workload NAME        as --cert/--key, with the files dev.json names
//   --cert F --key K [--tls]   x509[-tls]:<cert path>:<key path>:<SHA-256 of the cert file>
//   --dev-identity NAME        dev-identity:<name>:<its access key id in dev.json>
//   AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set      aws-key:<access key id>
//   AWS_PROFILE set            aws-profile:<profile>:<$AWS_CONFIG_FILE>:<$AWS_SHARED_CREDENTIALS_FILE>
//   anything else              resolve-aws: the SDK's chain runs first, then aws-key:<its key id>
//
// No secret goes in: the certificate is hashed (a renewed certificate is a new entry), and the
// whole key is hashed again into the file name (cache-key.ts).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DEV_STATE_DIR, readDevDescription } from '../dev/dev-state.ts';

export interface IdentityFlags {
  readonly devIdentity?: string;
  readonly devWorkload?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly tls?: boolean;
  readonly workloadApi?: string | true;
  readonly jwtSvid?: boolean;
  readonly stateDir?: string;
}

export type IdentitySource =
  | { readonly kind: 'known'; readonly source: string }
  /** Only the AWS SDK's default chain can tell: resolve the credentials, then key on them. */
  | { readonly kind: 'resolve-aws' }
  /** Cannot be told (an unknown dev name, an unreadable file): no cache; the login says why. */
  | { readonly kind: 'unknown' };

const UNKNOWN: IdentitySource = { kind: 'unknown' };

export function identitySourceOf(flags: IdentityFlags, env: NodeJS.ProcessEnv): IdentitySource {
  const known = (source: string): IdentitySource => ({ kind: 'known', source });
  if (flags.workloadApi !== undefined) {
    const address = flags.workloadApi === true ? env.SPIFFE_ENDPOINT_SOCKET : flags.workloadApi;
    return address ? known(`workload-api:${address}:${flags.jwtSvid ? 'jwt' : 'x509'}`) : UNKNOWN;
  }
  const dev = () => readDevDescription(flags.stateDir ?? DEFAULT_DEV_STATE_DIR);
  if (flags.devWorkload !== undefined) {
    const workload = dev()?.x509?.workloads.find((w) => w.name === flags.devWorkload);
    return workload === undefined ? UNKNOWN : certificateSource(workload.cert, workload.key, false);
  }
  if (flags.cert !== undefined && flags.key !== undefined)
    return certificateSource(flags.cert, flags.key, flags.tls === true);
  if (flags.devIdentity !== undefined) {
    const identity = dev()?.identities.find((i) => i.name === flags.devIdentity);
    return identity === undefined
      ? UNKNOWN
      : known(`dev-identity:${identity.name}:${identity.accessKeyId}`);
  }
  // The SDK's env provider needs both; with only one it moves on down the chain.
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    return known(`aws-key:${env.AWS_ACCESS_KEY_ID}`);
  if (env.AWS_PROFILE) {
    const files = [env.AWS_CONFIG_FILE ?? '', env.AWS_SHARED_CREDENTIALS_FILE ?? ''];
    return known(`aws-profile:${env.AWS_PROFILE}:${files.join(':')}`);
  }
  return { kind: 'resolve-aws' };
}

function certificateSource(cert: string, key: string, tls: boolean): IdentitySource {
  let digest: string;
  try {
    digest = createHash('sha256').update(readFileSync(cert)).digest('hex');
  } catch {
    return UNKNOWN;
  }
  return {
    kind: 'known',
    source: `x509${tls ? '-tls' : ''}:${resolve(cert)}:${resolve(key)}:${digest}`,
  };
}
