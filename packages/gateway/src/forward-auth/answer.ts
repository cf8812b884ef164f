// The forward-auth answers. An Allow is 200 with no body and the identity headers the proxy
// copies upstream — exactly the values the proxy mode adds to a forwarded request
// (proxy/gateway-headers.ts builds both). A refusal is the proxy mode's JSON body and stable code,
// plus the code in `x-rolegate-error` for proxies that drop an auth answer's body (nginx), with
// the status a proxy understands: nginx's auth_request knows only 2xx, 401 and 403 (anything else
// becomes a 500 for the client), so every 4xx other than 401 is answered 403; 401 keeps its
// WWW-Authenticate challenge, 503 its Retry-After, 500 stays 500.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Admission } from '../http/admit.ts';
import { type Challenge, refusalAnswer, sendRefusal } from '../http/refusal.ts';
import { gatewayHeaders } from '../proxy/gateway-headers.ts';
import { cachingHeaders } from './decision-cache.ts';

/** The header carrying a refusal's stable code on forward-auth answers. */
export const ERROR_CODE_HEADER = 'x-rolegate-error';

/** The identity headers of an admission: the `x-rolegate-*` part of what the proxy mode adds. */
export function identityAnswerHeaders(
  req: IncomingMessage,
  admission: Admission,
  requestId: string,
  orgIds: Readonly<Record<string, string>>,
): Record<string, string> {
  const added = gatewayHeaders(req, admission, requestId, orgIds);
  const out: Record<string, string> = {};
  for (let i = 0; i < added.length; i += 2) {
    if (added[i]!.startsWith('x-rolegate-')) out[added[i]!] = added[i + 1]!;
  }
  return out;
}

export function sendAllow(
  res: ServerResponse,
  identity: Record<string, string>,
  cacheSeconds: number,
  close: boolean,
): void {
  res.writeHead(200, {
    ...cachingHeaders(cacheSeconds),
    ...identity,
    'content-length': '0',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end();
}

/** The status a forward-auth refusal is answered with (see the file comment). */
export function forwardAuthStatus(status: number): number {
  return status >= 400 && status < 500 && status !== 401 ? 403 : status;
}

export function sendForwardAuthRefusal(
  res: ServerResponse,
  failure: GatewayError,
  requestId: string,
  challenge: Challenge,
  close: boolean,
): void {
  const answer = refusalAnswer(failure, requestId, challenge);
  sendRefusal(res, {
    status: forwardAuthStatus(answer.status),
    headers: {
      'x-accel-expires': '0',
      ...answer.headers,
      [ERROR_CODE_HEADER]: failure.code,
      ...(close ? { connection: 'close' } : {}),
    },
    body: answer.body,
  });
}
