// The request a proxy asks about, read from the forward-auth request that describes it — and
// nothing more: the path, Host and headers are then read by the gateway's own one reading
// (http/canonical-request.ts), so forward auth and the proxy mode canonicalise, route and refuse
// alike. This file only picks which header holds which part, per the listener's convention:
// - `x-forwarded` (Traefik, Caddy): X-Forwarded-Method, X-Forwarded-Uri, X-Forwarded-Host;
// - `x-original` (nginx auth_request, ingress-nginx): X-Original-Method, X-Original-URI, the host
//   from `hostHeader`;
// - `envoy` (ext_authz HTTP service): the auth request's own method, path (after `pathPrefix`)
//   and Host — Envoy sends the original request's.
// Each part must be there exactly once; the other convention's method or URI header is refused
// too, since either the proxy or the client wrote it and the two cannot be told apart. The auth
// request's own path is never the path decided on in the header conventions (nginx asks at
// `/auth`). Where the caller came from (X-Forwarded-For, -Proto, -Port) is read only as far as
// the policy keys aws:SourceIp, aws:SecureTransport and Port need it.

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { ForwardAuthListenerConfig } from '../config/forward-auth-schema.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { RequestOrigin } from '../http/admit.ts';
import type { RequestView } from '../http/canonical-request.ts';

export interface OriginalRequest {
  /** What the canonical reading reads: the original method, request-target and headers. */
  readonly view: RequestView;
  /** The original connection, as far as the proxy vouches for it. */
  readonly origin: RequestOrigin;
}

/** RFC 9110 §5.6.2 token: what a method is. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;

/** The headers that describe the original request: read here, never shown to the policy. */
const DESCRIBING = new Set([
  'x-forwarded-method',
  'x-forwarded-uri',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-for',
  'x-original-method',
  'x-original-uri',
  'x-original-url',
  'forwarded',
]);

const bad = (why: string) => new GatewayError('forwardauth.bad_original', why);

/** Name (lower case) → every value, for the describing headers and Host. */
function collect(raw: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== 'host' && !DESCRIBING.has(name)) continue;
    const list = found.get(name);
    if (list === undefined) found.set(name, [raw[i + 1]!]);
    else list.push(raw[i + 1]!);
  }
  return found;
}

function once(found: Map<string, string[]>, name: string): string | undefined {
  const values = found.get(name);
  if (values === undefined) return undefined;
  if (values.length > 1) throw bad(`${name} sent more than once`);
  return values[0];
}

function required(found: Map<string, string[]>, name: string): string {
  const value = once(found, name);
  if (value === undefined || value === '') throw bad(`no ${name}`);
  return value;
}

function refuseForeign(found: Map<string, string[]>, names: readonly string[]): void {
  for (const name of names)
    if (found.has(name)) throw bad(`${name} does not belong to this convention`);
}

/** `https://Host:8443/path?q` → `Host:8443` and `/path?q`; the host is checked by parseHost later. */
function splitOriginalUrl(url: string): { authority: string; target: string } {
  const m = /^https?:\/\/([^/?#]*)(.*)$/i.exec(url);
  if (m === null) throw bad('X-Original-URL is not an absolute http(s) URL');
  return { authority: m[1]!, target: m[2] === '' ? '/' : m[2]! };
}

/**
 * The original host, and the URI when only ingress-nginx's X-Original-URL carries it (ingress-nginx
 * sends X-Original-URI only with its auth-method annotation).
 */
function originalHost(
  found: Map<string, string[]>,
  listener: ForwardAuthListenerConfig,
  uri: string | undefined,
): { host: string; uri: string } {
  const from =
    listener.hostHeader ?? (listener.convention === 'envoy' ? 'host' : 'x-forwarded-host');
  if (from !== 'x-original-url') {
    if (uri === undefined) throw bad('no x-original-uri');
    return { host: required(found, from), uri };
  }
  const { authority, target } = splitOriginalUrl(required(found, 'x-original-url'));
  // Two spellings of one request: they must agree, or there would be two readings.
  if (uri !== undefined && target !== uri) {
    throw bad('X-Original-URL and X-Original-URI name different targets');
  }
  return { host: authority, uri: target };
}

/** The original connection: https or http, its port, the caller's address as the proxy saw it. */
function originOf(found: Map<string, string[]>): RequestOrigin {
  // Traefik says ws/wss for a WebSocket request: the same transports as http/https.
  const proto = once(found, 'x-forwarded-proto')?.toLowerCase();
  if (proto !== undefined && !['http', 'https', 'ws', 'wss'].includes(proto)) {
    throw bad('X-Forwarded-Proto is none of http, https, ws, wss');
  }
  const secure = proto === 'https' || proto === 'wss';
  // The port the proxy received the request on, as the proxy mode reads its listener's port —
  // never the Host's port: every convention's host is the client's own Host (nginx's $http_host in
  // X-Original-URL, Traefik's and Caddy's X-Forwarded-Host, Envoy's :authority), so `Host: x:443`
  // sent to a proxy's port 8080 would have decided as port 443.
  const sentPort = once(found, 'x-forwarded-port');
  if (sentPort !== undefined && !/^\d{1,5}$/.test(sentPort))
    throw bad('X-Forwarded-Port is not a port');
  const port = Number(sentPort ?? (secure ? 443 : 80));
  // The proxy appends the address it saw last: the right-most entry is the one it vouches for.
  const forwarded = found.get('x-forwarded-for')?.join(',').split(',');
  const last = forwarded?.[forwarded.length - 1]?.trim();
  const remoteAddress = last !== undefined && isIP(last) !== 0 ? last : undefined;
  return { remoteAddress, encrypted: secure, localPort: port };
}

/**
 * The original request `req` describes, or a `forwardauth.bad_original` GatewayError. `secretHeader`
 * (the shared secret's name) is kept from the policy's view, like every describing header.
 */
export function readOriginal(
  req: IncomingMessage,
  listener: ForwardAuthListenerConfig,
  secretHeader: string | undefined,
): OriginalRequest {
  const raw = req.rawHeaders;
  const found = collect(raw);
  let method: string;
  let url: string | undefined;
  if (listener.convention === 'envoy') {
    method = req.method ?? '';
    const prefix = listener.pathPrefix ?? '';
    const own = req.url ?? '';
    if (!own.startsWith(`${prefix}/`)) throw bad('the path does not start with pathPrefix');
    url = own.slice(prefix.length);
    refuseForeign(found, [
      'x-forwarded-method',
      'x-forwarded-uri',
      'x-original-method',
      'x-original-uri',
    ]);
  } else {
    const [mine, theirs] =
      listener.convention === 'x-forwarded'
        ? (['x-forwarded', 'x-original'] as const)
        : (['x-original', 'x-forwarded'] as const);
    refuseForeign(found, [`${theirs}-method`, `${theirs}-uri`]);
    method = required(found, `${mine}-method`);
    url = once(found, `${mine}-uri`);
    if (url === '') throw bad(`an empty ${mine}-uri`);
  }
  if (!TOKEN.test(method)) throw bad('the original method is not a token');
  const { host, uri } = originalHost(found, listener, url);
  // The original headers as the canonical reading should see them: the proxy's describing
  // headers and the shared secret taken out, and the original Host as the one Host.
  const headers: string[] = ['host', host];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'host' || DESCRIBING.has(name) || name === secretHeader) continue;
    headers.push(raw[i]!, raw[i + 1]!);
  }
  return { view: { method, url: uri, rawHeaders: headers }, origin: originOf(found) };
}
