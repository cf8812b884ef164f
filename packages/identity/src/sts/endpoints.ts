// The exact allow-list of STS hosts a proof may name. Membership is an exact string lookup —
// never a regex or a suffix match (CVE-2025-49827: an unanchored pattern let `evil.example#` in).
import { PARTITION_INFO, type Partition } from '@rolegate/core';

export type EndpointVariant = 'global' | 'regional' | 'fips' | 'dualstack';

export interface StsHost {
  readonly host: string;
  readonly partition: Partition;
  /** The region a SigV4 credential scope must name for this host. */
  readonly signingRegion: string;
  readonly variant: EndpointVariant;
}

export interface AllowListOptions {
  readonly partitions: readonly Partition[];
  /** Per-partition region lists replacing the defaults. */
  readonly regions?: Partial<Record<Partition, readonly string[]>>;
  readonly global: boolean;
  readonly fips: boolean;
  readonly dualStack: boolean;
}

export function buildStsAllowList(options: AllowListOptions): ReadonlyMap<string, StsHost> {
  const hosts = new Map<string, StsHost>();
  const add = (entry: StsHost) => hosts.set(entry.host, Object.freeze(entry));
  for (const partition of options.partitions) {
    const info = PARTITION_INFO[partition];
    const regions = options.regions?.[partition] ?? info.regions;
    if (partition === 'aws' && options.global) {
      add({ host: 'sts.amazonaws.com', partition, signingRegion: 'us-east-1', variant: 'global' });
    }
    for (const region of regions) {
      add({
        host: `sts.${region}.${info.dnsSuffix}`,
        partition,
        signingRegion: region,
        variant: 'regional',
      });
      if (options.fips && info.fipsRegions.includes(region)) {
        add({
          host: `sts-fips.${region}.${info.dnsSuffix}`,
          partition,
          signingRegion: region,
          variant: 'fips',
        });
      }
      if (options.dualStack && info.dualStackSuffix) {
        add({
          host: `sts.${region}.${info.dualStackSuffix}`,
          partition,
          signingRegion: region,
          variant: 'dualstack',
        });
      }
    }
  }
  return hosts;
}
