// AWS partitions, their DNS suffixes and the regions with an STS endpoint — facts about AWS that
// the proof maker, the proof checker and the STS emulator all need. New regions appear every
// year: operators extend the list in configuration (`sts.regions`) without waiting for a release.

export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

export type Partition = (typeof PARTITIONS)[number];

export function isPartition(value: string): value is Partition {
  return (PARTITIONS as readonly string[]).includes(value);
}

interface PartitionInfo {
  /** DNS suffix of regional endpoints: sts.<region>.<suffix> */
  readonly dnsSuffix: string;
  /** DNS suffix of dual-stack endpoints, where the partition has them. */
  readonly dualStackSuffix?: string;
  readonly regions: readonly string[];
  /** Regions with a separate sts-fips.<region> endpoint. */
  readonly fipsRegions: readonly string[];
}

export const PARTITION_INFO: Readonly<Record<Partition, PartitionInfo>> = {
  aws: {
    dnsSuffix: 'amazonaws.com',
    dualStackSuffix: 'api.aws',
    regions: [
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'mx-central-1',
      'sa-east-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
    ],
    fipsRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
  },
  'aws-cn': {
    dnsSuffix: 'amazonaws.com.cn',
    dualStackSuffix: 'api.amazonwebservices.com.cn',
    regions: ['cn-north-1', 'cn-northwest-1'],
    fipsRegions: [],
  },
  'aws-us-gov': {
    dnsSuffix: 'amazonaws.com',
    dualStackSuffix: 'api.aws',
    regions: ['us-gov-west-1', 'us-gov-east-1'],
    fipsRegions: [],
  },
  'aws-iso': {
    dnsSuffix: 'c2s.ic.gov',
    regions: ['us-iso-east-1', 'us-iso-west-1'],
    fipsRegions: [],
  },
  'aws-iso-b': { dnsSuffix: 'sc2s.sgov.gov', regions: ['us-isob-east-1'], fipsRegions: [] },
  'aws-iso-e': { dnsSuffix: 'cloud.adc-e.uk', regions: ['eu-isoe-west-1'], fipsRegions: [] },
  'aws-iso-f': {
    dnsSuffix: 'csp.hci.ic.gov',
    regions: ['us-isof-south-1', 'us-isof-east-1'],
    fipsRegions: [],
  },
  'aws-eusc': { dnsSuffix: 'amazonaws.eu', regions: ['eusc-de-east-1'], fipsRegions: [] },
};
