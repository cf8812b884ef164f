// Which STS host a proof is signed for. The host is part of the signature, and the broker only
// accepts hosts on its allow-list, so the client picks the same canonical names AWS documents.

export type StsEndpointChoice =
  | { kind: 'regional'; region: string; fips?: boolean; dualStack?: boolean }
  | { kind: 'global' }
  | { kind: 'host'; host: string; region: string };

export interface StsEndpoint {
  readonly host: string;
  /** The SigV4 signing region: us-east-1 for the global endpoint. */
  readonly region: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function resolveStsEndpoint(choice: StsEndpointChoice): StsEndpoint {
  switch (choice.kind) {
    case 'global':
      return { host: 'sts.amazonaws.com', region: 'us-east-1' };
    case 'host':
      return { host: choice.host.toLowerCase(), region: choice.region };
    case 'regional': {
      if (!REGION.test(choice.region)) {
        throw new TypeError(`not an AWS region name: ${JSON.stringify(choice.region)}`);
      }
      return { host: regionalHost(choice), region: choice.region };
    }
  }
}

function regionalHost({
  region,
  fips,
  dualStack,
}: {
  region: string;
  fips?: boolean;
  dualStack?: boolean;
}): string {
  const label = fips ? 'sts-fips' : 'sts';
  if (region.startsWith('cn-')) {
    return dualStack
      ? `${label}.${region}.api.amazonwebservices.com.cn`
      : `${label}.${region}.amazonaws.com.cn`;
  }
  return dualStack ? `${label}.${region}.api.aws` : `${label}.${region}.amazonaws.com`;
}

/**
 * The endpoint the AWS SDK would use: regional for `AWS_REGION` (or `AWS_DEFAULT_REGION`), and the
 * global endpoint only when no region is configured at all.
 */
export function defaultStsEndpoint(env: NodeJS.ProcessEnv = process.env): StsEndpoint {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return resolveStsEndpoint(region ? { kind: 'regional', region } : { kind: 'global' });
}
