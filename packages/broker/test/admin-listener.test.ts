// The broker's admin listener serves /healthz, /readyz and /metrics apart from the token port;
// the token port keeps them only while `opsOnMainPort` is on (this release's default), and says
// at start that this is deprecated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '../src/config/load-config.ts';
import { startHarness } from './support/harness.ts';

const deprecationLines = (logs: string) =>
  logs
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.levelName === 'warn' && Array.isArray(l.paths));

describe('broker admin listener', () => {
  it('defaults to loopback on its own port, with the ops paths still on the token port', () => {
    const config = parseBrokerConfig({ issuer: 'https://b.example', loginPolicy: {} });
    assert.deepEqual(config.admin, { host: '127.0.0.1', port: 8701 });
    assert.equal(config.opsOnMainPort, true);
  });

  it('serves /healthz, /readyz and /metrics; the token port too, with a warning', async () => {
    const h = await startHarness();
    try {
      const admin = h.broker.adminUrl;
      assert.match(String(admin), /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(admin, h.brokerUrl);
      assert.equal((await fetch(`${admin}/healthz`)).status, 200);
      assert.equal((await fetch(`${admin}/readyz`)).status, 200);
      await h.login('orders');
      const metrics = await (await fetch(`${admin}/metrics`)).text();
      assert.match(metrics, /rolegate_token_requests_total\{outcome="issued"\} 1/);
      assert.equal((await fetch(`${admin}/v1/token`, { method: 'POST' })).status, 405);
      assert.equal((await fetch(`${admin}/.well-known/jwks.json`)).status, 404);
      // Deprecated, still served.
      assert.equal((await fetch(`${h.brokerUrl}/metrics`)).status, 200);
      assert.equal((await fetch(`${h.brokerUrl}/healthz`)).status, 200);
      assert.equal(deprecationLines(h.logs()).length, 1);
    } finally {
      await h.close();
    }
  });

  it('opsOnMainPort: false leaves them on the admin listener only, without the warning', async () => {
    const h = await startHarness({ opsOnMainPort: false });
    try {
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const res = await fetch(`${h.brokerUrl}${path}`);
        assert.equal(res.status, 404, path);
        assert.equal(
          ((await res.json()) as { rolegate_code: string }).rolegate_code,
          'broker.not_found',
        );
        assert.equal((await fetch(`${h.broker.adminUrl}${path}`)).status, 200, path);
      }
      assert.equal(deprecationLines(h.logs()).length, 0);
    } finally {
      await h.close();
    }
  });

  it('admin: false opens no admin listener', async () => {
    const h = await startHarness({ admin: false, opsOnMainPort: false });
    try {
      assert.equal(h.broker.adminUrl, undefined);
      assert.equal((await fetch(`${h.brokerUrl}/healthz`)).status, 404);
    } finally {
      await h.close();
    }
  });
});
