// node:http adapter. `createNodeGuard(options)` returns `rolegateGuard(req, res)`: it resolves to
// the caller's RolegateAuth when the request may go on, or to null after it has answered the
// refusal itself (401 with an RFC 6750 challenge, 400, 403 or 503). `rolegateAuthOf(req)` reads
// the result later from anywhere that holds the request.
//
//   const guard = createNodeGuard({ verifier, policies });
//   createServer(async (req, res) => {
//     const auth = await guard(req, res);
//     if (auth === null) return;
//     res.end(`hello ${auth.principal?.arn ?? 'anonymous'}`);
//   });

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { HttpRequestInfo } from './authorize/request-info.ts';
import type { Refusal } from './http/challenge.ts';
import { createGuard, type GuardOptions, type RolegateAuth } from './http/guard.ts';

export type { GuardOptions, RolegateAuth } from './http/guard.ts';

const results = new WeakMap<IncomingMessage, RolegateAuth>();

/** The RolegateAuth a guard stored for `req`; undefined when no guard let it through. */
export function rolegateAuthOf(req: IncomingMessage): RolegateAuth | undefined {
  return results.get(req);
}

/** The request as authorize() reads it; shared with the Express adapter. */
export function nodeRequestInfo(req: IncomingMessage, url = req.url ?? ''): HttpRequestInfo {
  return {
    method: req.method ?? '',
    url,
    headers: req.headers,
    sourceIp: req.socket.remoteAddress,
    secure: (req.socket as Partial<TLSSocket>).encrypted === true,
    port: req.socket.localPort,
  };
}

/** Sends a refusal on a plain ServerResponse; shared with the Express adapter. */
export function sendNodeRefusal(res: ServerResponse, refusal: Refusal): void {
  res.writeHead(refusal.status, { ...refusal.headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(refusal.body));
}

export function createNodeGuard(
  options: GuardOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<RolegateAuth | null> {
  const guard = createGuard(options, 'createNodeGuard');
  return async function rolegateGuard(req, res) {
    const outcome = await guard(req.headers.authorization, () => nodeRequestInfo(req));
    if (!outcome.ok) {
      sendNodeRefusal(res, outcome.refusal);
      return null;
    }
    results.set(req, outcome.auth);
    return outcome.auth;
  };
}
