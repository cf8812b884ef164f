// `rolegate gateway --config FILE [--workers N]` as a user runs it: the real binary, real worker
// processes sharing the listener, the STS emulator verifying proofs, a real backend. Each request
// goes over its own connection, so the primary hands consecutive requests to different workers.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../../broker/test/support/harness.ts';
import { type Backend, startBackend } from '../../gateway/test/support/backend.ts';
import { send } from '../../gateway/test/support/raw-http.ts';
import { BIN, cleanEnv, NODE_ARGS, runCli, stopProcess } from './support/run-cli.ts';

const AUDIENCE = 'https://rates.example';
const dir = mkdtempSync(join(tmpdir(), 'rolegate-gateway-cmd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const policy = (effect: 'Allow' | 'Deny') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
        Action: 'vpc-lattice-svcs:Invoke',
        Resource: 'arn:rolegate:lattice:::service/rates/*',
      },
      ...(effect === 'Deny'
        ? [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }]
        : []),
    ],
  });

interface Logged {
  readonly msg?: string;
  readonly worker?: number | string;
  readonly pid?: number;
  readonly status?: number;
  readonly urls?: string[];
  readonly forwardAuthUrls?: string[];
  readonly adminUrl?: string;
  readonly listener?: string;
}

/** A running `rolegate gateway`, with its log lines parsed as they come. */
class GatewayProcess {
  readonly lines: Logged[] = [];
  output = '';

  constructor(readonly child: ChildProcess) {
    let partial = '';
    const take = (chunk: Buffer) => {
      this.output += chunk;
      partial += chunk;
      let nl = partial.indexOf('\n');
      while (nl >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as Logged);
        } catch {
          // not a log line
        }
        nl = partial.indexOf('\n');
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
  }

  static start(config: string, workers?: string): GatewayProcess {
    const child = spawn(
      process.execPath,
      [
        ...NODE_ARGS,
        BIN,
        'gateway',
        '--config',
        config,
        ...(workers ? ['--workers', workers] : []),
      ],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new GatewayProcess(child);
  }

  /** Waits (bounded) for `count` log lines matching `match`, from line `since` on. */
  async waitFor(match: (l: Logged) => boolean, count = 1, since = 0): Promise<Logged[]> {
    // Bounded, but generous: three Node processes starting on a busy 2-core runner (CI runs test
    // files side by side) once took more than 20 s before the first line.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = this.lines.slice(since).filter(match);
      if (found.length >= count) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`waited for ${count} log line(s) in vain:\n${this.output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const primaryListening = (l: Logged) => l.msg === 'gateway listening' && l.worker === 'primary';
const workerListening = (l: Logged) =>
  l.msg === 'gateway listening' && typeof l.worker === 'number';

let h: Harness;
let backend: Backend;
before(async () => {
  h = await startHarness();
  backend = await startBackend();
});
after(async () => {
  await backend.close();
  await h.close();
});

/** A config for the `rates` service in its own directory, allowing `orders` (STS proofs). */
function writeConfig(name: string): { configFile: string; policyFile: string } {
  const policyFile = join(dir, `${name}-rates.json`);
  const configFile = join(dir, `${name}.yaml`);
  writeFileSync(policyFile, policy('Allow'));
  writeFileSync(
    configFile,
    JSON.stringify({
      listeners: [{ host: '127.0.0.1', port: 0 }],
      admin: { host: '127.0.0.1', port: 0 },
      forwardAuth: { listeners: [{ host: '127.0.0.1', port: 0 }] },
      sts: {
        endpointOverrides: { '*': h.sts.url },
        allowInsecureEndpoints: true,
        timeoutMs: 2_000,
      },
      services: [
        {
          name: 'rates',
          upstreams: [backend.url],
          audiences: [AUDIENCE],
          policy: `${name}-rates.json`,
        },
      ],
    }),
  );
  return { configFile, policyFile };
}

async function callRates(url: string) {
  return send(url, {
    path: '/v1/rates',
    headers: {
      host: 'rates.example',
      authorization: `RoleGate-STS ${await h.proofFor('orders', { audience: AUDIENCE })}`,
    },
  });
}

describe('rolegate gateway (one process)', () => {
  it('reloads on SIGHUP without stopping, and stops on SIGTERM', async () => {
    const { configFile, policyFile } = writeConfig('single');
    const gw = GatewayProcess.start(configFile);
    try {
      const [listening] = await gw.waitFor((l) => l.msg === 'gateway listening');
      const url = listening!.urls![0]!;
      assert.equal((await callRates(url)).status, 200);
      writeFileSync(policyFile, policy('Deny'));
      const at = gw.lines.length;
      gw.child.kill('SIGHUP');
      await gw.waitFor((l) => l.msg === 'configuration reloaded', 1, at);
      assert.equal((await callRates(url)).status, 403);
      assert.equal(gw.child.exitCode, null, 'SIGHUP must not stop the gateway');
    } finally {
      assert.equal(await stopProcess(gw.child), 0);
    }
  });
});

describe('rolegate gateway --workers', () => {
  let gw: GatewayProcess;
  let url: string;
  let adminUrl: string;
  let policyFile: string;

  before(async () => {
    const written = writeConfig('workers');
    policyFile = written.policyFile;
    gw = GatewayProcess.start(written.configFile, '2');
    const [primary] = await gw.waitFor(primaryListening);
    url = primary!.urls![0]!;
    adminUrl = primary!.adminUrl!;
  });
  after(async () => {
    if (gw.child.exitCode === null) await stopProcess(gw.child);
  });

  const call = () => callRates(url);
  /** The worker ids that logged an access line for the requests since `from`. */
  const servedBy = (from: number) =>
    new Set(
      gw.lines
        .slice(from)
        .filter((l) => l.msg === 'request')
        .map((l) => l.worker),
    );

  it('starts two workers behind one listener, and both serve', async () => {
    const workers = await gw.waitFor(workerListening, 2);
    assert.equal(new Set(workers.map((w) => w.pid)).size, 2, 'two worker processes');
    assert.ok(
      workers.every((w) => w.urls![0] === url),
      'the workers share the primary listener',
    );
    const from = gw.lines.length;
    for (let i = 0; i < 6; i++) assert.equal((await call()).status, 200);
    await gw.waitFor((l) => l.msg === 'request', 6, from);
    assert.equal(servedBy(from).size, 2, 'requests were spread over both workers');
  });

  it('serves forward auth on every worker, with the one used-proof memory', async () => {
    const workers = await gw.waitFor(workerListening, 2);
    const forwardAuth = workers[0]!.forwardAuthUrls![0]!;
    assert.ok(
      workers.every((w) => w.forwardAuthUrls?.[0] === forwardAuth),
      'one shared listener',
    );
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    // Traefik's shape: the original request in X-Forwarded-*, the caller's credential as sent.
    const ask = () =>
      send(forwardAuth, {
        path: '/auth',
        headers: {
          'x-forwarded-method': 'GET',
          'x-forwarded-host': 'rates.example',
          'x-forwarded-uri': '/v1/rates',
          authorization: `RoleGate-STS ${proof}`,
        },
      });
    const from = gw.lines.length;
    const answers = [await ask(), await ask(), await ask()];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 401, 401],
    );
    assert.match(String(answers[0]!.headers['x-rolegate-identity']), /assumed-role\/orders\//);
    assert.equal(answers[1]!.json().rolegate_code, 'sts.proof_replayed');
    await gw.waitFor((l) => l.msg === 'request' && l.listener === 'forward-auth', 3, from);
    assert.equal(servedBy(from).size, 2, 'both workers decided');
  });

  it('is ready when every worker is, and /metrics sums the workers', async () => {
    assert.equal((await fetch(`${adminUrl}/readyz`)).status, 200);
    const before = await decisions();
    for (let i = 0; i < 4; i++) assert.equal((await call()).status, 200);
    assert.equal((await decisions()) - before, 4);
  });

  it('keeps one used-proof memory for all workers: a proof replayed on another worker is refused', async () => {
    const proof = await h.proofFor('orders', { audience: AUDIENCE });
    const once = () =>
      send(url, {
        path: '/v1/rates',
        headers: { host: 'rates.example', authorization: `RoleGate-STS ${proof}` },
      });
    const from = gw.lines.length;
    const answers = [await once(), await once(), await once()];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 401, 401],
    );
    assert.equal(answers[1]!.json().rolegate_code, 'sts.proof_replayed');
    await gw.waitFor((l) => l.msg === 'request', 3, from);
    assert.equal(servedBy(from).size, 2, 'the replays reached the other worker too');
  });

  it('passes SIGHUP on to every worker: a new policy applies everywhere', async () => {
    writeFileSync(policyFile, policy('Deny'));
    const reloadedAt = gw.lines.length;
    gw.child.kill('SIGHUP');
    await gw.waitFor((l) => l.msg === 'configuration reloaded', 2, reloadedAt);
    const from = gw.lines.length;
    for (let i = 0; i < 4; i++) assert.equal((await call()).status, 403);
    await gw.waitFor((l) => l.msg === 'request', 4, from);
    assert.equal(servedBy(from).size, 2);
    writeFileSync(policyFile, policy('Allow'));
    const againAt = gw.lines.length;
    gw.child.kill('SIGHUP');
    await gw.waitFor((l) => l.msg === 'configuration reloaded', 2, againAt);
  });

  it('replaces a worker that dies, and keeps serving', async () => {
    const [victim] = await gw.waitFor(workerListening, 2);
    const killedAt = gw.lines.length;
    process.kill(victim!.pid!, 'SIGKILL');
    await gw.waitFor((l) => l.msg === 'a gateway worker exited: starting another', 1, killedAt);
    await gw.waitFor(workerListening, 1, killedAt);
    for (let i = 0; i < 4; i++) assert.equal((await call()).status, 200);
    assert.equal((await fetch(`${adminUrl}/readyz`)).status, 200);
  });

  it('drains and stops every worker on SIGTERM, exit code 0', async () => {
    const pids = gw.lines.filter(workerListening).map((l) => l.pid!);
    assert.equal(await stopProcess(gw.child), 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });

  async function decisions(): Promise<number> {
    const text = await (await fetch(`${adminUrl}/metrics`)).text();
    let total = 0;
    for (const m of text.matchAll(/^rolegate_gateway_decisions_total\{[^}]*\} (\d+)$/gm)) {
      total += Number(m[1]);
    }
    return total;
  }
});

describe('rolegate gateway --workers, losing the primary', () => {
  it('stops every worker when the primary is killed outright', async () => {
    const { configFile } = writeConfig('orphans');
    const gw = GatewayProcess.start(configFile, '2');
    let workers: Logged[];
    try {
      workers = await gw.waitFor(workerListening, 2);
      await gw.waitFor(primaryListening);
    } catch (error) {
      // Never leave a gateway behind when it failed to come up in time (the primary's SIGTERM
      // handler stops its workers).
      gw.child.kill('SIGTERM');
      throw error;
    }
    gw.child.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    const alive = () =>
      workers.filter((w) => {
        try {
          process.kill(w.pid!, 0);
          return true;
        } catch {
          return false;
        }
      });
    while (alive().length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const w of alive()) process.kill(w.pid!, 'SIGKILL');
    assert.equal(alive().length, 0, 'workers outlived their primary');
  });
});

describe('rolegate gateway, refusals at start', () => {
  it('refuses a bad --workers value', async () => {
    for (const value of ['0', 'x', '257', '-1']) {
      const res = await runCli(['gateway', '--config', join(dir, 'none.yaml'), '--workers', value]);
      assert.notEqual(res.code, 0, value);
      assert.match(res.stderr, /number of workers from 1 to 256, or auto/);
    }
  });

  it('reports a broken config once, from the primary, and exits 1', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'services: []\n');
    const res = await runCli(['gateway', '--config', file, '--workers', '2']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /services/);
  });
});
