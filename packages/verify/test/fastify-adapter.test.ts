// Fastify adapter, in process with fastify.inject.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { type GuardOptions, rolegateFastify } from '../src/fastify.ts';
import {
  adapterCases,
  type Fixture,
  makeFixture,
  SERVICE_NAME,
  type Send,
} from './support/service.ts';

describe('Fastify adapter', () => {
  let fixture: Fixture;
  const apps = new Map<string, FastifyInstance>();

  const build = async (options: GuardOptions) => {
    const app = Fastify();
    await app.register(rolegateFastify, options);
    app.all('/*', async (request) => ({
      arn: request.rolegate?.principal?.arn ?? null,
      decision: request.rolegate?.authorization?.decision ?? null,
    }));
    await app.ready();
    return app;
  };

  before(async () => {
    fixture = await makeFixture();
    const { verifier, unreachable, policies } = fixture;
    apps.set('protected', await build({ verifier, policies, serviceName: SERVICE_NAME }));
    apps.set(
      'unreachable',
      await build({ verifier: unreachable, policies, serviceName: SERVICE_NAME }),
    );
    apps.set('authnOnly', await build({ verifier }));
  });
  after(async () => {
    for (const app of apps.values()) await app.close();
  });

  const send: Send = async (name, method, path, authorization) => {
    const r = await apps.get(name)!.inject({
      method: method as 'GET',
      url: path,
      headers: authorization === undefined ? {} : { authorization },
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') headers.set(k, v);
    return { status: r.statusCode, headers, body: r.body === '' ? {} : r.json() };
  };
  adapterCases(send, () => fixture, { frameworkRefusesBadEscapes: true });

  it('covers routes registered beside it and leaves request.rolegate null before it runs', async () => {
    const app = Fastify();
    let before: unknown = 'unset';
    app.addHook('onRequest', async (request) => {
      before = request.rolegate;
    });
    await app.register(rolegateFastify, { verifier: fixture.verifier });
    app.get('/x', async () => 'ok');
    try {
      const r = await app.inject({ url: '/x' });
      assert.equal(r.statusCode, 401);
      assert.equal(before, null);
    } finally {
      await app.close();
    }
  });

  it('fails app.ready() with a TypeError for bad options', async () => {
    const app = Fastify();
    app.register(rolegateFastify, {} as GuardOptions);
    await assert.rejects(async () => {
      await app.ready();
    }, TypeError);
    await app.close();
  });
});
