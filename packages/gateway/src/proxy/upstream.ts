// The connection pool to one service's upstream(s): an undici Pool for one origin, a BalancedPool
// over several. Pools keep connections alive between requests (the largest saving a proxy can
// make) and carry the upstream timeouts. A reload reuses a pool whose settings did not change, so
// warm connections survive it; a pool no longer used is closed once its requests are done.

import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { BalancedPool, type Dispatcher, Pool } from 'undici';
import type { ServiceConfig } from '../config/service-schema.ts';

export interface Upstream {
  /** Identifies the settings: equal keys may share one pool. */
  readonly key: string;
  readonly dispatcher: Dispatcher;
  readonly headersTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Waits for in-flight requests, then closes every connection. */
  close(): Promise<void>;
}

export function upstreamKey(service: ServiceConfig): string {
  return JSON.stringify([service.upstreams, service.upstream]);
}

export function createUpstream(service: ServiceConfig): Upstream {
  const u = service.upstream;
  // Node's `ca` replaces the trust store; an extra CA must be added to it, not put in its place.
  const ca =
    u.caFile === undefined ? undefined : [...rootCertificates, readFileSync(u.caFile, 'utf8')];
  const options: Pool.Options = {
    connections: u.connections,
    connect: { timeout: u.connectTimeoutMs, ...(ca === undefined ? {} : { ca }) },
    headersTimeout: u.headersTimeoutMs,
    bodyTimeout: u.idleTimeoutMs,
    keepAliveTimeout: 4_000,
    // A pipelined request waits behind another one's slow answer; one at a time per connection.
    pipelining: 1,
  };
  const urls = service.upstreams;
  const dispatcher: Dispatcher =
    urls.length === 1 ? new Pool(urls[0]!, options) : new BalancedPool(urls, options);
  return {
    key: upstreamKey(service),
    dispatcher,
    headersTimeoutMs: u.headersTimeoutMs,
    idleTimeoutMs: u.idleTimeoutMs,
    close: () => dispatcher.close(),
  };
}
