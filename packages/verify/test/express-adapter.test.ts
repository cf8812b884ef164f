// Express adapter, on a loopback port.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { type GuardOptions, getRolegate, rolegateExpress } from '../src/express.ts';
import { rawRequest } from './support/http-client.ts';
import { adapterCases, type Fixture, makeFixture, SERVICE_NAME } from './support/service.ts';

describe('Express adapter', () => {
  let fixture: Fixture;
  const servers = new Map<string, { server: Server; url: string }>();

  const start = async (name: string, options: GuardOptions) => {
    const app = express();
    app.use(rolegateExpress(options));
    app.all('/{*rest}', (req, res) => {
      const { principal, authorization } = getRolegate(req);
      assert.equal(req.rolegate?.principal, principal);
      res.json({ arn: principal?.arn ?? null, decision: authorization?.decision ?? null });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
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

  it('reads the full path when mounted under a prefix', async () => {
    const app = express();
    const router = express.Router();
    router.use(
      rolegateExpress({
        verifier: fixture.verifier,
        policies: fixture.policies,
        serviceName: SERVICE_NAME,
      }),
    );
    router.get('/health', (req, res) => {
      res.json({ path: getRolegate(req).authorization?.path });
    });
    app.use('/v1', router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // The policy allows /health anonymously, not /v1/health: the mount point is part of the path.
      const r = await rawRequest(url, 'GET', '/v1/health');
      assert.equal(r.status, 401);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('checks its options when built, and getRolegate refuses a request it never saw', () => {
    assert.throws(() => rolegateExpress({} as GuardOptions), TypeError);
    assert.throws(() => rolegateExpress({ verifier: fixture.verifier, realm: 'a\\b' }), TypeError);
    assert.throws(() => getRolegate({} as express.Request), TypeError);
  });
});
