// The name of a cache file: SHA-256 over (broker URLs, audience, identity source), so one file per
// combination and nothing readable in the name — the identity source may hold an access key id,
// and never a secret (identity-source.ts hashes key material before it gets here).
//
// Several brokers (failover, sharing one issuer) are one entry whichever of them answered: the key
// holds the set, sorted, so `--broker a --broker b` and `--broker b,a` find the same token. It is
// not keyed on the issuer: that would need the network (a discovery document) before a hit, and
// a token is only ever served back to a broker set that could have issued it. One broker keeps
// the key it always had, so existing entries still hit.

import { createHash } from 'node:crypto';

export interface CacheKeyParts {
  /** The brokers, in any order. */
  readonly brokerUrls: readonly string[];
  readonly audience: string;
  /** Who logs in, e.g. `aws-key:AKIA…` or `x509:/path/cert.pem:/path/key.pem:<sha-256>`. */
  readonly identitySource: string;
}

/** `<64 hex>.json`. */
export function cacheFileName(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    'rolegate-token-cache/1',
    parts.brokerUrls.length === 1 ? parts.brokerUrls[0] : [...new Set(parts.brokerUrls)].sort(),
    parts.audience,
    parts.identitySource,
  ]);
  return `${createHash('sha256').update(material).digest('hex')}.json`;
}
