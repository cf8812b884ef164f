// Why a network call failed, in words a user can act on. Node's `fetch` (undici) rejects with a
// bare TypeError('fetch failed') and keeps the reason in `cause` — a refused connection, a
// certificate, a name that does not resolve; `AbortSignal.timeout` rejects with a TimeoutError;
// node:https rejects with the system error itself. Every package that reaches the network (the
// client's broker calls, verify's JWKS fetch) names the reason with this one function.

/** What kind of failure it was: stable, for code and tests; the text is for people. */
export type FetchFailureKind =
  | 'refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'reset'
  | 'unreachable'
  | 'aborted'
  | 'other';

export interface FetchFailure {
  readonly kind: FetchFailureKind;
  /** One line: what happened, then the system's code and detail in parentheses. */
  readonly text: string;
}

export interface DescribeFetchFailureOptions {
  /** The deadline the caller set, named when the call timed out. */
  readonly timeoutMs?: number;
}

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly hostname?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const UNREACHABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const HOST_MISMATCH_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
const VALIDITY_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Describes a failed `fetch` (or node:http(s) request) by the first cause that says why. */
export function describeFetchFailure(
  error: unknown,
  options: DescribeFetchFailureOptions = {},
): FetchFailure {
  const chain = causeChain(error);
  for (const e of chain) {
    const found = classify(e, options);
    if (found !== undefined) return found;
  }
  const messages = chain.map(messageOf).filter((m, i, all) => m !== '' && all.indexOf(m) === i);
  return { kind: 'other', text: messages.length === 0 ? String(error) : messages.join(': ') };
}

function classify(e: ErrorLike, options: DescribeFetchFailureOptions): FetchFailure | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const detail = code === undefined ? messageOf(e) : `${code}: ${messageOf(e)}`;
  if (e.name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    const within = options.timeoutMs === undefined ? 'in time' : `within ${options.timeoutMs} ms`;
    const why = code === undefined ? '' : ` (${detail})`;
    return { kind: 'timeout', text: `timed out: no answer ${within}${why}` };
  }
  if (e.name === 'AbortError') return { kind: 'aborted', text: `aborted (${messageOf(e)})` };
  if (code === undefined) return undefined;
  if (code === 'ECONNREFUSED') {
    const where = typeof e.address === 'string' ? ` at ${hostPort(e.address, e.port)}` : '';
    return { kind: 'refused', text: `connection refused: nothing listens${where} (${code})` };
  }
  if (DNS_CODES.has(code)) {
    const host = typeof e.hostname === 'string' ? e.hostname : 'the host name';
    const what =
      code === 'EAI_AGAIN'
        ? `no DNS answer for ${host} (a resolver is unreachable or slow)`
        : `DNS does not know ${host}`;
    return { kind: 'dns', text: `${what} (${code})` };
  }
  if (isTlsCode(code)) {
    const what = HOST_MISMATCH_CODES.has(code)
      ? "the server's certificate is not for this host name"
      : VALIDITY_CODES.has(code)
        ? "the server's certificate has expired or is not yet valid"
        : code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')
          ? 'the handshake failed'
          : "the server's certificate is not trusted";
    return { kind: 'tls', text: `TLS: ${what} (${detail})` };
  }
  if (RESET_CODES.has(code)) {
    return { kind: 'reset', text: `the connection was closed before an answer (${detail})` };
  }
  if (UNREACHABLE_CODES.has(code)) {
    return { kind: 'unreachable', text: `the host or network is unreachable (${detail})` };
  }
  return undefined;
}

/** Node's TLS codes, and OpenSSL's verification codes (DEPTH_ZERO_SELF_SIGNED_CERT, …). */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.startsWith('UNABLE_TO_') ||
    code.includes('CERT') ||
    code.includes('CRL') ||
    code === 'HOSTNAME_MISMATCH' ||
    code === 'INVALID_CA' ||
    code === 'PATH_LENGTH_EXCEEDED' ||
    code === 'INVALID_PURPOSE'
  );
}

/** The error, its causes and, for an AggregateError (one per address tried), its members. */
function causeChain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 16) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || out.includes(e as ErrorLike)) continue;
    const like = e as ErrorLike;
    out.push(like);
    if (like.cause !== undefined) queue.push(like.cause);
    if (Array.isArray(like.errors)) queue.push(...like.errors);
  }
  return out;
}

function messageOf(e: ErrorLike): string {
  return typeof e.message === 'string' ? e.message : '';
}

function hostPort(address: string, port: unknown): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return typeof port === 'number' ? `${host}:${port}` : host;
}
