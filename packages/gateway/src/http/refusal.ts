// The answer to a refused request: JSON `{error, error_description, rolegate_code, request_id}`
// with `Cache-Control: no-store`, an RFC 6750 challenge on 401s and `Retry-After` on 503s. The
// description is the code's fixed text; nothing names a policy, a statement or the precise reason
// (that goes to the log under the same request id). Written either on a ServerResponse or, for
// upgrade requests and parser errors where there is none, as raw HTTP/1.1 on the socket.

import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { GATEWAY_ERRORS } from '../errors/codes.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import { REQUEST_ID_HEADER } from '../proxy/response-headers.ts';

export interface Challenge {
  /** RFC 6750 realm (printable ASCII without `"` or `\`). */
  readonly realm: string;
  /** Also offer the `RoleGate-STS` scheme (the gateway takes raw STS proofs). */
  readonly sts: boolean;
}

export interface RefusalAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: string;
}

export function refusalAnswer(
  error: GatewayError,
  requestId: string,
  challenge: Challenge,
): RefusalAnswer {
  const spec = GATEWAY_ERRORS[error.code];
  const wire = 'wire' in spec ? spec.wire : undefined;
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    [REQUEST_ID_HEADER]: requestId,
  };
  if (spec.status === 401) {
    const params =
      wire === undefined ? '' : `, error="${wire}", error_description="${spec.description}"`;
    const bearer = `Bearer realm="${challenge.realm}"${params}`;
    headers['www-authenticate'] = challenge.sts
      ? [bearer, `RoleGate-STS realm="${challenge.realm}"`]
      : bearer;
  }
  if (error.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(error.retryAfterSeconds);
  const body = JSON.stringify({
    ...(wire === undefined ? {} : { error: wire }),
    error_description: spec.description,
    rolegate_code: error.code,
    request_id: requestId,
  });
  return { status: spec.status, headers, body };
}

export function sendRefusal(res: ServerResponse, answer: RefusalAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** Writes the answer as raw HTTP/1.1 and closes the connection (there is no response object). */
export function writeRawRefusal(socket: Duplex, answer: RefusalAnswer): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  head += `content-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n`;
  socket.end(head + answer.body);
}
