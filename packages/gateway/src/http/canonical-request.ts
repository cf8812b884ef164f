// One reading of every request: the canonical request is computed once, before routing, and
// routing, the policy, the access log and the upstream all use it — never the raw request again.
// What cannot be read one way without doubt is refused here with 400 and a stable code:
// - the path: canonicalised by @rolegate/verify (escapes of characters a path may hold raw
//   decoded, hex upper-cased, slashes merged, dot segments removed; encoded `/`, backslashes, NUL,
//   bad escapes and — unless `semicolonsInPaths` — raw `;` refused), and forwarded in that form,
//   so a backend that decodes `/billing/%61dmin` reads the `/billing/admin` the policy decided on;
// - the query: passed on as sent, but never with a `#` (no fragment in a request-target);
// - the Host: strict `host[:port]` (host.ts);
// - Authorization and Host appear once (Node keeps the first, other servers may read the last);
// - header names: letters, digits and `-` only by default, as nginx's `underscores_in_headers off`
//   and `ignore_invalid_headers` defaults — WSGI, CGI, PHP and Rack map `_` to `-`, so
//   `x_tenant` is `x-tenant` to them and something else to a policy; `underscoresInHeaders`
//   lets `_` through, and reserved names are still stripped in every spelling (request-headers.ts).
// The client headers that reach the upstream are decided here too, once, so the policy reads
// exactly the headers the backend will receive.

import type { IncomingMessage } from 'node:http';
import { isVerifyError, type SplitTarget, splitTarget } from '@rolegate/verify';
import { fromVerifyError, GatewayError } from '../errors/gateway-error.ts';
import { connectionTokens, foldedName, isWithheld } from '../proxy/request-headers.ts';
import { type CanonicalHost, parseHost } from './host.ts';

export interface CanonicalRequest {
  readonly method: string;
  /** Canonical path and the query as sent. */
  readonly target: SplitTarget;
  /** `path?query` as routed, decided and forwarded. */
  readonly url: string;
  /** Undefined only for an HTTP/1.0 request without Host. */
  readonly host: CanonicalHost | undefined;
  /** The credential as sent; forwarded only where the service says so. */
  readonly authorization: string | undefined;
  /** The client headers the upstream may receive, `[lower-case name, value, …]`, as they came. */
  readonly headers: readonly string[];
}

export interface ReadOptions {
  /** Accept `_` in header names (nginx's `underscores_in_headers on`). */
  readonly underscoresInHeaders: boolean;
  /** Accept a raw `;` in the path (servlet containers read it as a path parameter). */
  readonly semicolonsInPaths: boolean;
}

// Header names as nginx accepts them by default; with underscores allowed, `_` too.
const PLAIN_NAME = /^[A-Za-z0-9-]+$/;
const UNDERSCORE_NAME = /^[A-Za-z0-9_-]+$/;

function checkName(name: string, options: ReadOptions): void {
  if (PLAIN_NAME.test(name)) return;
  if (options.underscoresInHeaders && UNDERSCORE_NAME.test(name)) return;
  throw new GatewayError(
    'request.bad_header_name',
    name.includes('_')
      ? 'a header name with "_" (underscoresInHeaders is off)'
      : 'a header name with a character other than letters, digits and "-"',
  );
}

function canonicalTarget(url: string | undefined, options: ReadOptions): SplitTarget {
  let target: SplitTarget;
  try {
    target = splitTarget(url ?? '', { semicolons: options.semicolonsInPaths ? 'keep' : 'refuse' });
  } catch (error) {
    if (isVerifyError(error)) throw fromVerifyError(error);
    throw error;
  }
  // A request-target has no fragment (RFC 9112 §3.2); Node lets `#` through after the `?`, where
  // `new URL` and Express end the query and others keep it as data.
  if (target.query.includes('#')) throw new GatewayError('request.bad_query', 'a "#" in the query');
  return target;
}

/**
 * What the reading reads of a request: a node:http request, or the original request a forward-auth
 * request describes (forward-auth/original-request.ts) — one reading for both.
 */
export type RequestView = Pick<IncomingMessage, 'method' | 'url' | 'rawHeaders'>;

/** Reads `req` into its one canonical form; throws a 400 GatewayError for what has no single reading. */
export function readRequest(req: RequestView, options: ReadOptions): CanonicalRequest {
  const raw = req.rawHeaders;
  let authorization: string | undefined;
  let hostValue: string | undefined;
  let hosts = 0;
  let authorizations = 0;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    checkName(name, options);
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      authorizations++;
      authorization ??= raw[i + 1]!;
    } else if (lower === 'host') {
      hosts++;
      hostValue ??= raw[i + 1]!;
    } else if (lower === 'connection') {
      connection = connection === undefined ? raw[i + 1]! : `${connection},${raw[i + 1]!}`;
    }
  }
  if (authorizations > 1 || hosts > 1) {
    throw new GatewayError(
      'request.duplicate_header',
      authorizations > 1 ? 'more than one Authorization header' : 'more than one Host header',
    );
  }
  const target = canonicalTarget(req.url, options);
  const host = hostValue === undefined ? undefined : parseHost(hostValue);
  const named = connectionTokens(connection);
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    const folded = foldedName(lower);
    if (isWithheld(folded) || named?.has(folded) === true) continue;
    headers.push(lower, raw[i + 1]!);
  }
  return {
    method: req.method ?? '',
    target,
    url: target.query === '' ? target.path : `${target.path}?${target.query}`,
    host,
    authorization,
    headers,
  };
}
