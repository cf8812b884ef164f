// `rolegate broker --config FILE`: config errors are reported by path and stop the start; a valid
// config serves the discovery document; SIGTERM shuts it down cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, cleanEnv, NODE_ARGS, runCli, stopProcess } from './support/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-broker-cmd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('rolegate broker', () => {
  it('refuses a config without a login policy outside dev mode, naming the option', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'issuer: https://broker.example\n');
    const res = await runCli(['broker', '--config', file]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /config\.invalid/);
    assert.match(res.stderr, /loginPolicy: required outside dev mode/);
  });

  it('refuses unknown options and duplicate keys', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'issuer: https://broker.example\nissuer: https://other.example\n');
    const dup = await runCli(['broker', '--config', file]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /config\.invalid/);
    writeFileSync(file, 'issuer: https://broker.example\nloginPolicy: p.json\nlogleve: debug\n');
    const typo = await runCli(['broker', '--config', file]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /logleve/);
  });

  it('refuses a plain-http STS override outside dev mode', async () => {
    const file = join(dir, 'insecure.yaml');
    writeFileSync(
      file,
      'issuer: https://broker.example\nloginPolicy: p.json\nsts:\n  endpointOverrides:\n    "*": http://127.0.0.1:4566\n',
    );
    const res = await runCli(['broker', '--config', file]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /sts\.endpointOverrides\.\*: plain http or loopback/);
  });

  it('serves with a valid config, reloads on SIGHUP without stopping, and stops on SIGTERM', async () => {
    const policy = join(dir, 'login.json');
    writeFileSync(
      policy,
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
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      `issuer: https://broker.example\nloginPolicy: login.json\nstateDir: state\nlisten:\n  port: 0\nadmin:\n  port: 0\nlogLevel: info\n`,
    );
    const child = spawn(process.execPath, [...NODE_ARGS, BIN, 'broker', '--config', file], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    let address: string | undefined;
    while (!address && Date.now() < deadline && child.exitCode === null) {
      address = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      assert.ok(address, `broker did not start: ${out}`);
      const doc = (await (await fetch(`${address}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      assert.equal(doc.issuer, 'https://broker.example');
      // SIGHUP re-reads the key ring; it must not stop the broker (close-with-grace would).
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(child.exitCode, null, `SIGHUP stopped the broker: ${out}`);
      assert.equal((await fetch(`${address}/healthz`)).status, 200);
      const adminUrl = /"adminUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1];
      assert.ok(adminUrl, `no admin listener logged: ${out}`);
      assert.equal((await fetch(`${adminUrl}/readyz`)).status, 200);
    } finally {
      assert.equal(await stopProcess(child), 0);
    }
  });
});
