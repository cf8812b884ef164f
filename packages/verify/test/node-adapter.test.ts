// node:http adapter, on a loopback port.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createNodeGuard, type GuardOptions, rolegateAuthOf } from '../src/node.ts';
import { rawRequest } from './support/http-client.ts';
import { adapterCases, type Fixture, makeFixture, SERVICE_NAME } from './support/service.ts';

describe('node:http adapter', () => {
  let fixture: Fixture;
  const servers = new Map<string, { server: Server; url: string }>();

  const start = async (name: string, options: GuardOptions) => {
    const guard = createNodeGuard(options);
    const server = createServer(async (req, res) => {
      const auth = await guard(req, res);
      if (auth === null) return;
      assert.equal(rolegateAuthOf(req), auth);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          arn: auth.principal?.arn ?? null,
          decision: auth.authorization?.decision ?? null,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.set(name, {
      server,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
  };

  before(async () => {
    fixture = await makeFixture();
    const { verifier, unreachable, policies } = fixture;
    await start('protected', { verifier, policies, serviceName: SERVICE_NAME });
    await start('unreachable', { verifier: unreachable, policies, serviceName: SERVICE_NAME });
    await start('authnOnly', { verifier });
  });
  after(async () => {
    for (const { server } of servers.values()) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  adapterCases(
    (app, method, path, authorization) =>
      rawRequest(servers.get(app)!.url, method, path, authorization),
    () => fixture,
  );

  it('tells onRefusal the precise reason, which the answer never carries', async () => {
    const refusals: string[] = [];
    const guard = createNodeGuard({
      verifier: fixture.verifier,
      onRefusal: (r) => refusals.push(`${r.code}: ${r.error.message}`),
    });
    const server = createServer(async (req, res) => {
      if ((await guard(req, res)) !== null) res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await rawRequest(url, 'GET', '/', `Bearer ${fixture.tokens.otherAudience}`);
      assert.equal(r.status, 401);
      assert.deepEqual(refusals, ['token.audience_mismatch: aud "https://rates.example"']);
      assert.ok(!JSON.stringify(r.body).includes('rates.example'));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('checks its options when built', () => {
    assert.throws(() => createNodeGuard({} as GuardOptions), TypeError);
    assert.throws(() => createNodeGuard({ verifier: fixture.verifier, realm: 'a"b' }), TypeError);
    assert.throws(() => createNodeGuard({ verifier: fixture.verifier, policies: [] }), TypeError);
    assert.throws(
      () =>
        createNodeGuard({ verifier: fixture.verifier, onRefusal: 'log' as unknown as () => void }),
      TypeError,
    );
  });
});
