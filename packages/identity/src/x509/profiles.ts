// Profiles: which principal a certificate (or JWT-SVID) of a trust source becomes. As in IAM Roles
// Anywhere, the caller never picks the role: the trust anchor its path ends at does.
import { isPartition, type Partition } from '@rolegate/core';
import type { TrustSourceKind } from './trust-source.ts';

export interface ProfileConfig {
  readonly name: string;
  readonly trustDomain?: string | undefined;
  readonly trustAnchor?: string | undefined;
  readonly roleArn: string;
  readonly ttlSeconds?: number | undefined;
}

export interface Profile {
  readonly name: string;
  readonly source: { readonly kind: TrustSourceKind; readonly name: string };
  readonly role: {
    readonly partition: Partition;
    readonly account: string;
    readonly name: string;
    /** `arn:P:iam::A:role/NAME`, without the role's path, as STS logins give it. */
    readonly arn: string;
  };
  /** Caps the token lifetime below `tokens.ttlSeconds` for this profile. */
  readonly ttlSeconds: number | undefined;
}

export const ROLE_ARN =
  /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[\x21-\x2e\x30-\x7f]+\/)*([\w+=,.@-]{1,64})$/;

export class Profiles {
  readonly #bySource = new Map<string, Profile>();

  /** Configs are validated by the config schema; a bad one here is a programming error. */
  constructor(configs: readonly ProfileConfig[]) {
    for (const config of configs) {
      const m = ROLE_ARN.exec(config.roleArn);
      if (!m || !isPartition(m[1]!)) throw new TypeError(`profile ${config.name}: roleArn`);
      const kind: TrustSourceKind =
        config.trustDomain !== undefined ? 'trustDomain' : 'trustAnchor';
      const sourceName = config.trustDomain ?? config.trustAnchor!;
      const [, partition, account, name] = m as unknown as [string, Partition, string, string];
      this.#bySource.set(`${kind}:${sourceName}`, {
        name: config.name,
        source: { kind, name: sourceName },
        role: { partition, account, name, arn: `arn:${partition}:iam::${account}:role/${name}` },
        ttlSeconds: config.ttlSeconds,
      });
    }
  }

  for(kind: TrustSourceKind, name: string): Profile | undefined {
    return this.#bySource.get(`${kind}:${name}`);
  }
}
