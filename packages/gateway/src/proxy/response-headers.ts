// The headers sent back to the client: the upstream's, less the hop-by-hop ones (and any its
// Connection header names), plus the gateway's request id. Node adds its own framing
// (Content-Length or chunked) and connection handling for the client's hop.

import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export const REQUEST_ID_HEADER = 'x-rolegate-request-id';

type OutHeaders = Record<string, string | string[]>;

export function clientHeaders(upstream: IncomingHttpHeaders, requestId: string): OutHeaders {
  const named = upstream.connection;
  const extra =
    named === undefined
      ? undefined
      : new Set(
          String(named)
            .split(',')
            .map((t) => t.trim().toLowerCase()),
        );
  const out: OutHeaders = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || extra?.has(name) === true) continue;
    out[name] = value;
  }
  out[REQUEST_ID_HEADER] = requestId;
  return out;
}
