// Which client headers may reach the upstream, and the list the upstream receives. Removed:
// hop-by-hop headers (RFC 9110 §7.6.1) and any header the Connection header names; `expect` (the
// gateway answers 100-continue itself); every inbound `x-rolegate-*` header, so the identity
// headers the backend reads are only ever the gateway's; inbound `forwarded` / `x-forwarded-*`,
// which the gateway sets from the connection itself; `x-original-url` / `x-rewrite-url`, which
// IIS-style frameworks (Symfony, Zend, Laminas) take as the request path over the request line — a
// second path the policy never saw; `x-http-method-override`, `x-http-method` and
// `x-method-override`, which Symfony, Laravel, Hono's and Express's method-override middleware take
// as the method over the request line — a second method the policy never saw; Host and
// Authorization, which the canonical request carries apart. A name is matched whatever its case and whichever of `-` and `_` it is
// spelled with: WSGI, CGI, PHP and Rack map `x_rolegate_identity` and `x-rolegate-identity` to one
// variable, so both spellings are the reserved header.

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

/** `X_RoleGate-Identity` → `x-rolegate-identity`: the name as gateways and CGI-style servers fold it. */
export function foldedName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('_') ? lower.replaceAll('_', '-') : lower;
}

/**
 * Whether a client header (by its folded name) never reaches the upstream as the client sent it:
 * hop-by-hop, reserved for the gateway's own headers, or carried apart (Host, Authorization).
 */
export function isWithheld(folded: string): boolean {
  if (HOP_BY_HOP.has(folded)) return true;
  // x-rolegate-*, x-forwarded-*: one character test first, since almost no header starts with x.
  if (folded.charCodeAt(0) === 0x78 /* x */) {
    return (
      folded.startsWith('x-rolegate-') ||
      folded.startsWith('x-forwarded-') ||
      folded === 'x-original-url' ||
      folded === 'x-rewrite-url' ||
      folded === 'x-http-method-override' ||
      folded === 'x-http-method' ||
      folded === 'x-method-override'
    );
  }
  return folded === 'forwarded' || folded === 'authorization' || folded === 'host';
}

/** Lower-case tokens of a Connection header value: more headers this hop must not pass on. */
export function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const tokens = new Set<string>();
  for (const t of value.split(',')) {
    const token = foldedName(t.trim());
    if (token !== '' && token !== 'close' && token !== 'keep-alive') tokens.add(token);
  }
  return tokens.size === 0 ? undefined : tokens;
}

export interface UpstreamHeaderOptions {
  /** The client's Authorization header, when this request forwards it; otherwise undefined. */
  readonly authorization: string | undefined;
  /** The canonical Host header to send; undefined sends the upstream's own host. */
  readonly host: string | undefined;
  /** The gateway's headers, as name/value pairs with lower-case names, appended last. */
  readonly added: readonly string[];
}

/** Flat `[name, value, name, value, …]` for undici: the forwardable client headers, then ours. */
export function upstreamHeaders(
  forwardable: readonly string[],
  options: UpstreamHeaderOptions,
): string[] {
  const out: string[] = [];
  if (options.host !== undefined) out.push('host', options.host);
  if (options.authorization !== undefined) out.push('authorization', options.authorization);
  for (const item of forwardable) out.push(item);
  for (const item of options.added) out.push(item);
  return out;
}
