// Hono adapter. `rolegateHono(options)` is middleware that sets `c.get('rolegate')` (typed through
// the `RolegateVariables` it declares) or answers the refusal itself.
//
//   const app = new Hono<{ Variables: RolegateVariables }>();
//   app.use(rolegateHono({ verifier, policies }));
//   app.get('/invoices', (c) => c.json({ caller: c.get('rolegate').principal?.arn }));
//
// Hono sees a WHATWG Request, whose URL the runtime has already normalised (dot segments gone,
// `\` turned into `/`). On @hono/node-server the raw target is read from `c.env.incoming` instead,
// so the path checks see what the client sent. The source IP comes from the same place, or from
// the `sourceIp` option on other runtimes.

import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { HttpRequestInfo } from './authorize/request-info.ts';
import { createGuard, type GuardOptions, type RolegateAuth } from './http/guard.ts';

export type { GuardOptions, RolegateAuth } from './http/guard.ts';

/** The variables rolegateHono() sets: `new Hono<{ Variables: RolegateVariables }>()`. */
export type RolegateVariables = { rolegate: RolegateAuth };

export interface HonoGuardOptions extends GuardOptions {
  /** The caller's address when the runtime is not @hono/node-server. Default: none. */
  readonly sourceIp?: (c: Context) => string | undefined;
}

function nodeIncoming(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return typeof env === 'object' && env !== null ? env.incoming : undefined;
}

function requestInfo(c: Context, sourceIp: HonoGuardOptions['sourceIp']): HttpRequestInfo {
  const incoming = nodeIncoming(c);
  const href = c.req.url;
  const slash = href.indexOf('/', href.indexOf('//') + 2);
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const secure = href.startsWith('https:');
  return {
    method: c.req.method,
    url: incoming?.url ?? (slash < 0 ? '/' : href.slice(slash)),
    headers,
    sourceIp: sourceIp?.(c) ?? incoming?.socket.remoteAddress,
    secure,
    port: incoming?.socket.localPort ?? (Number(new URL(href).port) || (secure ? 443 : 80)),
  };
}

export function rolegateHono(
  options: HonoGuardOptions,
): MiddlewareHandler<{ Variables: RolegateVariables }> {
  const guard = createGuard(options, 'rolegateHono');
  const { sourceIp } = options;
  if (sourceIp !== undefined && typeof sourceIp !== 'function') {
    throw new TypeError('rolegateHono: sourceIp must be a function');
  }
  return async function rolegateMiddleware(c, next) {
    const outcome = await guard(c.req.header('authorization'), () => requestInfo(c, sourceIp));
    if (!outcome.ok) {
      const { status, headers, body } = outcome.refusal;
      return new Response(JSON.stringify(body), {
        status,
        headers: { ...headers, 'content-type': 'application/json' },
      });
    }
    c.set('rolegate', outcome.auth);
    await next();
  };
}
