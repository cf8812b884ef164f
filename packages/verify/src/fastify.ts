// Fastify adapter (5): a fastify-plugin, so its `onRequest` hook covers every route of the scope it
// is registered in. The caller lands on `request.rolegate` (a typed request decoration). Options
// are checked when the plugin registers: a bad one fails `app.ready()` / `listen()`.
//
//   await app.register(rolegateFastify, { verifier, policies });
//   app.get('/invoices', async (request) => ({ caller: request.rolegate?.principal?.arn }));

import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { HttpRequestInfo } from './authorize/request-info.ts';
import { createGuard, type GuardOptions, type RolegateAuth } from './http/guard.ts';

export type { GuardOptions, RolegateAuth } from './http/guard.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the rolegate plugin for every request it lets through; null before it runs. */
    rolegate: RolegateAuth | null;
  }
}

function requestInfo(request: FastifyRequest): HttpRequestInfo {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    sourceIp: request.ip,
    secure: request.protocol === 'https',
    port: request.socket.localPort,
  };
}

const plugin: FastifyPluginAsync<GuardOptions> = async (app, options) => {
  const guard = createGuard(options, 'rolegateFastify');
  app.decorateRequest('rolegate', null);
  app.addHook('onRequest', async function rolegateOnRequest(request, reply) {
    const outcome = await guard(request.headers.authorization, () => requestInfo(request));
    if (outcome.ok) {
      request.rolegate = outcome.auth;
      return;
    }
    const { status, headers, body } = outcome.refusal;
    return reply.code(status).headers(headers).type('application/json').send(body);
  });
};

export const rolegateFastify = fp(plugin, { name: '@rolegate/verify', fastify: '5.x' });
