// Hono adapter, in process with app.request.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { type HonoGuardOptions, type RolegateVariables, rolegateHono } from '../src/hono.ts';
import {
  adapterCases,
  type Fixture,
  makeFixture,
  SERVICE_NAME,
  type Send,
} from './support/service.ts';

describe('Hono adapter', () => {
  let fixture: Fixture;
  const apps = new Map<string, Hono<{ Variables: RolegateVariables }>>();

  const build = (options: HonoGuardOptions) => {
    const app = new Hono<{ Variables: RolegateVariables }>();
    app.use(rolegateHono(options));
    app.all('*', (c) => {
      const { principal, authorization } = c.get('rolegate');
      return c.json({ arn: principal?.arn ?? null, decision: authorization?.decision ?? null });
    });
    return app;
  };

  before(async () => {
    fixture = await makeFixture();
    const { verifier, unreachable, policies } = fixture;
    apps.set('protected', build({ verifier, policies, serviceName: SERVICE_NAME }));
    apps.set('unreachable', build({ verifier: unreachable, policies, serviceName: SERVICE_NAME }));
    apps.set('authnOnly', build({ verifier }));
  });

  const send: Send = async (name, method, path, authorization) => {
    const r = await apps.get(name)!.request(path, {
      method,
      headers: authorization === undefined ? {} : { authorization },
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text === '' ? {} : JSON.parse(text) };
  };
  adapterCases(send, () => fixture);

  it('takes the source address from the sourceIp option', async () => {
    const app = new Hono<{ Variables: RolegateVariables }>();
    app.use(
      rolegateHono({
        verifier: fixture.verifier,
        policies: fixture.policies,
        serviceName: SERVICE_NAME,
        sourceIp: () => '::ffff:10.9.8.7',
      }),
    );
    app.get('*', (c) => c.json(c.get('rolegate').authorization?.request.context ?? {}));
    const r = await app.request('/health');
    const context = (await r.json()) as Record<string, unknown>;
    assert.equal(context['aws:SourceIp'], '10.9.8.7');
    assert.equal(context['vpc-lattice-svcs:Port'], '80');
    assert.equal(context['aws:SecureTransport'], false);
  });

  it('checks its options when built', () => {
    assert.throws(() => rolegateHono({} as HonoGuardOptions), TypeError);
    assert.throws(
      () => rolegateHono({ verifier: fixture.verifier, sourceIp: 'x' as unknown as () => string }),
      TypeError,
    );
  });
});
