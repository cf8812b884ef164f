// A server command that cannot listen stops with a clear message and exit status 1, instead of
// idling: `rolegate broker` on a port held by another server or given as `--port abc`, and
// `rolegate dev` whose ports are taken (most often by another `rolegate dev`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-ports-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A server on a free loopback port, held by the test. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('rolegate broker that cannot listen', () => {
  let held: { server: Server; port: number };
  let config: string;

  before(async () => {
    held = await holdPort();
    writeFileSync(
      join(dir, 'login.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '111122223333' },
            Action: 'rolegate:IssueToken',
            Resource: '*',
          },
        ],
      }),
    );
    config = join(dir, 'broker.yaml');
    writeFileSync(
      config,
      'issuer: https://broker.example\nloginPolicy: login.json\nstateDir: state\nlisten:\n  port: 0\n',
    );
  });
  after(() => held.server.close());

  it('exits 1 naming the address when the port is taken', async () => {
    const res = await runCli(['broker', '--config', config, '--port', String(held.port)], {
      timeoutMs: 20_000,
    });
    assert.equal(res.code, 1, `exit ${res.code}: ${res.stderr}`);
    assert.match(
      res.stderr,
      new RegExp(
        `rolegate: cli\\.address_in_use: the broker cannot listen on 127\\.0\\.0\\.1:${held.port}: the port is taken \\(EADDRINUSE\\); pass --port or change listen\\.port\\n`,
      ),
    );
  });

  it('refuses --port that is not a port before starting', async () => {
    for (const value of ['abc', '-1', '65536', '80x']) {
      const res = await runCli(['broker', '--config', config, '--port', value], {
        timeoutMs: 20_000,
      });
      assert.equal(res.code, 1, `${value}: exit ${res.code}: ${res.stderr}`);
      assert.match(res.stderr, /--port <n>.*is invalid\. give a port from 0 to 65535/, value);
    }
  });
});

describe('rolegate dev whose ports are taken', () => {
  it('says another rolegate dev may be running, suggests --port 0, and exits 1', async () => {
    // The port dev would take first for its broker, held here (as a running dev would hold it).
    const held = await holdPort();
    try {
      const stateDir = join(dir, 'dev');
      const res = await runCli(['dev', '--state-dir', stateDir, '--port', String(held.port)], {
        timeoutMs: 30_000,
      });
      assert.equal(res.code, 1, `exit ${res.code}: ${res.stderr}`);
      assert.match(
        res.stderr,
        /rolegate: cli\.address_in_use: rolegate dev cannot listen on 127\.0\.0\.1:\d+/,
      );
      assert.match(res.stderr, /another `rolegate dev` may be running/);
      assert.match(res.stderr, /pass --port 0 to use any free ports/);
    } finally {
      held.server.close();
    }
  });
});
