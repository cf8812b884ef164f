// Which STS host names the emulator answers for, and the SigV4 signing region of each. The
// region comes from the host name alone, as AWS does it: the global endpoint signs for
// us-east-1, every other endpoint for the region in its name.

import { PARTITION_INFO } from '@rolegate/core';

/** Commercial regions with an STS endpoint; new regions appear, so callers may pass their own. */
export const DEFAULT_STS_REGIONS: readonly string[] = PARTITION_INFO.aws.regions;

const FIPS_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'];
const GOVCLOUD_REGIONS = PARTITION_INFO['aws-us-gov'].regions;
const CHINA_REGIONS = PARTITION_INFO['aws-cn'].regions;

export const GLOBAL_STS_HOST = 'sts.amazonaws.com';

/**
 * The default host list: global, regional, FIPS, dual-stack (`.api.aws`), GovCloud and China.
 * Pass `regions` to change the commercial region list.
 */
export function defaultStsHosts(regions: readonly string[] = DEFAULT_STS_REGIONS): string[] {
  return [
    GLOBAL_STS_HOST,
    ...regions.map((r) => `sts.${r}.amazonaws.com`),
    ...FIPS_REGIONS.map((r) => `sts-fips.${r}.amazonaws.com`),
    ...regions.map((r) => `sts.${r}.api.aws`),
    ...GOVCLOUD_REGIONS.map((r) => `sts.${r}.amazonaws.com`),
    ...CHINA_REGIONS.map((r) => `sts.${r}.amazonaws.com.cn`),
  ];
}

// sts.<region>.amazonaws.com[.cn], sts-fips.<region>.amazonaws.com, sts[-fips].<region>.api.aws
const REGIONAL_HOST =
  /^sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/;

/** The signing region for an STS host name, or undefined when the name is not an STS host. */
export function signingRegionOf(host: string): string | undefined {
  if (host === GLOBAL_STS_HOST) return 'us-east-1';
  return REGIONAL_HOST.exec(host)?.[1];
}

/** Host (lower case) → signing region; a name that is not an STS host is misuse. */
export function buildHostTable(hosts: readonly string[]): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const raw of hosts) {
    const host = raw.toLowerCase();
    const region = signingRegionOf(host);
    if (region === undefined) {
      throw new TypeError(
        `cannot derive a signing region from STS host ${JSON.stringify(raw)}: expected ` +
          'sts.amazonaws.com, sts[-fips].<region>.amazonaws.com[.cn] or sts.<region>.api.aws',
      );
    }
    table.set(host, region);
  }
  if (table.size === 0) throw new TypeError('hosts must name at least one STS host');
  return table;
}

/** The host name of a Host header: lower case, without a `:port` suffix. */
export function hostName(hostHeader: string): string {
  return hostHeader.toLowerCase().replace(/:\d+$/, '');
}
