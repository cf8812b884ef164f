// The name of a cache file: SHA-256 over (broker URL, audience, identity source), so one file per
// combination and nothing readable in the name — the identity source may hold an access key id,
// and never a secret (identity-source.ts hashes key material before it gets here).

import { createHash } from 'node:crypto';

export interface CacheKeyParts {
  readonly brokerUrl: string;
  readonly audience: string;
  /** Who logs in, e.g. `aws-key:AKIA…` or `x509:/path/cert.pem:/path/key.pem:<sha-256>`. */
  readonly identitySource: string;
}

/** `<64 hex>.json`. */
export function cacheFileName(parts: CacheKeyParts): string {
  const material = JSON.stringify([
    'rolegate-token-cache/1',
    parts.brokerUrl,
    parts.audience,
    parts.identitySource,
  ]);
  return `${createHash('sha256').update(material).digest('hex')}.json`;
}
