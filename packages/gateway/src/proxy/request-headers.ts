// The headers sent upstream, built in one pass over the raw inbound headers. Removed: hop-by-hop
// headers (RFC 9110 §7.6.1) and any header the Connection header names; `expect` (the gateway
// answers 100-continue itself); every inbound `x-rolegate-*` header, in any case and however often
// it appears, so the identity headers the backend reads are only ever the gateway's; inbound
// `forwarded` / `x-forwarded-*`, which the gateway sets from the connection itself; and the
// credential, unless the service forwards verified bearer tokens. Then the gateway's own headers
// are added.

import type { IncomingMessage } from 'node:http';

/** Headers that describe one connection, never the message: a proxy consumes them. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
]);

export interface UpstreamHeaderOptions {
  /** Keep the inbound Authorization header (NONE services, or a forwarded bearer token). */
  readonly keepAuthorization: boolean;
  /** Keep the inbound Host header; otherwise the upstream's own host is sent. */
  readonly preserveHost: boolean;
  /** The gateway's headers, as name/value pairs with lower-case names, appended last. */
  readonly added: readonly string[];
}

/** Lower-case tokens of the Connection header: more headers this hop must not pass on. */
function connectionTokens(req: IncomingMessage): Set<string> | undefined {
  const value = req.headers.connection;
  if (value === undefined) return undefined;
  const tokens = new Set<string>();
  for (const t of value.split(',')) {
    const token = t.trim().toLowerCase();
    if (token !== '' && token !== 'close' && token !== 'keep-alive') tokens.add(token);
  }
  return tokens.size === 0 ? undefined : tokens;
}

function dropped(name: string, options: UpstreamHeaderOptions): boolean {
  if (HOP_BY_HOP.has(name)) return true;
  // x-rolegate-*, x-forwarded-*: one character test first, since almost no header starts with x.
  if (name.charCodeAt(0) === 0x78 /* x */) {
    return name.startsWith('x-rolegate-') || name.startsWith('x-forwarded-');
  }
  if (name === 'forwarded') return true;
  if (name === 'authorization') return !options.keepAuthorization;
  if (name === 'host') return !options.preserveHost;
  return false;
}

/** Flat `[name, value, name, value, …]` for undici, from the request's raw headers. */
export function upstreamHeaders(req: IncomingMessage, options: UpstreamHeaderOptions): string[] {
  const raw = req.rawHeaders;
  const named = connectionTokens(req);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (dropped(name, options) || named?.has(name) === true) continue;
    out.push(name, raw[i + 1]!);
  }
  for (const item of options.added) out.push(item);
  return out;
}
