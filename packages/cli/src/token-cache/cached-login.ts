// What `token` and `exec` share: name the login cheaply, open its store, and return the cached
// token or one new exchange. Only a miss — or a login only the AWS SDK can name — loads
// @rolegate/client; test/lazy-loading.test.ts records that a hit loads neither it nor the SDK.

import type { CredentialSource } from '@rolegate/client';
import type { BrokerFlags } from '../lib/broker-urls.ts';
import type { CachedToken } from './cache-entry.ts';
import { type IdentityFlags, identitySourceOf } from './identity-source.ts';
import { obtainToken } from './obtain-token.ts';
import { type CacheFlags, openTokenStore } from './open-store.ts';
import type { Warn } from './token-store.ts';

export interface CachedLoginRequest {
  readonly flags: IdentityFlags & CacheFlags & BrokerFlags;
  readonly audience: string;
  /**
   * The login itself; `credentials` are the AWS credentials already resolved to name the login
   * (pass them on rather than run the SDK's chain twice), undefined otherwise.
   */
  readonly issue: (credentials: CredentialSource | undefined) => Promise<CachedToken>;
  readonly env?: NodeJS.ProcessEnv;
  readonly warn?: Warn;
}

export interface CachedLogin {
  readonly token: CachedToken;
  /** The token again, from the same store: unchanged while fresh, else a new exchange. */
  readonly refresh: () => Promise<CachedToken>;
}

export async function cachedLogin(request: CachedLoginRequest): Promise<CachedLogin> {
  const env = request.env ?? process.env;
  const warn = request.warn ?? ((message) => process.stderr.write(`rolegate: ${message}\n`));
  const identity = identitySourceOf(request.flags, env);
  let identitySource = identity.kind === 'known' ? identity.source : undefined;
  let credentials: CredentialSource | undefined;
  if (identity.kind === 'resolve-aws' && request.flags.cache !== false) {
    // The slow path: only the SDK's chain knows whose credentials these are. When it finds none,
    // no cache: the login runs as without one and reports the failure in its own order.
    const { resolveCredentials } = await import('@rolegate/client');
    const resolved = await resolveCredentials().catch(() => undefined);
    if (resolved !== undefined) {
      credentials = resolved;
      identitySource = `aws-key:${resolved.accessKeyId}`;
    }
  }
  const store = await openTokenStore({
    flags: request.flags,
    audience: request.audience,
    identitySource,
    env,
    warn,
  });
  const token = await obtainToken({ store, warn, issue: () => request.issue(credentials) });
  // Later refreshes resolve credentials anew: the ones above may be temporary.
  const refresh = () => obtainToken({ store, warn, issue: () => request.issue(undefined) });
  return { token, refresh };
}
