// The gateway as a reverse proxy, on loopback, beside the same backend reached directly and through
// nginx as a plain reverse proxy (Debian's nginx, one worker, keep-alive upstream), all measured in
// the same run. Every party runs in its own process: the backend (node:http), nginx, the gateway,
// and the load generator — `wrk` when installed, otherwise an undici Pool in a child process.
//
//   1. peak throughput (closed loop, 64 connections, bounded in time) for: the backend directly,
//      nginx, a bare Node proxy (the floor of any proxy built on node:http + undici), the gateway verifying every token (token cache off) and evaluating a typical
//      10-statement Lattice policy, and the same gateway with the verified-token cache;
//   2. latency at a fixed rate (open loop, measured from each request's scheduled start so a stall
//      is not hidden) of half the gateway's own peak, directly, through nginx, through the bare
//      Node proxy and through the gateway: the p99 each adds.
//
// This file is also the child processes' entry point (`--gateway-bench-role=…`).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exportJWK, SignJWT } from 'jose';
import { Pool } from 'undici';

const SELF = fileURLToPath(import.meta.url);
const ROLE_FLAG = '--gateway-bench-role=';
const CONNECTIONS = 64;
const PEAK_SECONDS = 5;
const LATENCY_SECONDS = 5;
const HOST = 'billing.example';
// wrk adds its own Host header unless one is spelled exactly `Host`.
const PATH = '/invoices/2025/06?limit=50&status=open';
const ISSUER = 'https://rolegate.example.com';
const AUDIENCE = 'https://billing.example.com';

interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

interface Peak {
  readonly name: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

// ---------------------------------------------------------------- child processes

/** Starts a child of this file in `role` and resolves to the first line it prints (its URL). */
async function startChild(
  role: string,
  args: string[] = [],
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, `${ROLE_FLAG}${role}`, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { child, line };
}

async function runBackend(): Promise<void> {
  const body = JSON.stringify({ invoices: [{ id: 7, total: '12.50', currency: 'EUR' }] });
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

async function runGateway(configJson: string): Promise<void> {
  const { createGateway, createGatewayLogger, parseGatewayConfig } = await import(
    '../packages/gateway/src/index.ts'
  );
  const pino = (await import('pino')).default;
  // The access log is on, as in production, written to /dev/null without blocking.
  const logger = createGatewayLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const gateway = await createGateway(parseGatewayConfig(JSON.parse(configJson)), { logger });
  await gateway.listen();
  process.stdout.write(`${gateway.url}\n`);
}

/**
 * The floor for any Node proxy: node:http in, an undici Pool out, bodies streamed, no credential,
 * no policy, no header work beyond dropping hop-by-hop ones. What the gateway adds is measured
 * against this as well as against nginx.
 */
async function runBareProxy(backendUrl: string): Promise<void> {
  const pool = new Pool(backendUrl, { connections: CONNECTIONS * 2 });
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers.connection;
    pool
      .request({ method: req.method as 'GET', path: req.url ?? '/', headers, body: req })
      .then((up) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) {
          if (v !== undefined && k !== 'connection' && k !== 'keep-alive') out[k] = v;
        }
        res.writeHead(up.statusCode, out);
        up.body.pipe(res);
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

/** Closed loop with an undici Pool (used when wrk is absent). */
async function runClosedLoop(argsJson: string): Promise<void> {
  const { url, headers, seconds } = JSON.parse(argsJson) as {
    url: string;
    headers: Record<string, string>;
    seconds: number;
  };
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      const res = await pool.request({ method: 'GET', path: PATH, headers });
      await res.body.dump();
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(
    `${JSON.stringify({ rps: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), errors })}\n`,
  );
}

/**
 * Open loop at a fixed rate; latency from each request's scheduled start. A first second at the
 * same rate on the same pool warms connections and JIT and is not counted.
 */
async function runOpenLoop(argsJson: string): Promise<void> {
  const { url, headers, seconds, rate } = JSON.parse(argsJson) as {
    url: string;
    headers: Record<string, string>;
    seconds: number;
    rate: number;
  };
  const pool = new Pool(url, { connections: CONNECTIONS * 2, pipelining: 1 });
  const phase = (total: number) => {
    const latencies = new Float64Array(total);
    let sent = 0;
    let done = 0;
    let errors = 0;
    const start = performance.now() + 5;
    return new Promise<{ latencies: Float64Array; errors: number }>((resolve) => {
      const settle = (i: number, scheduled: number, ok: boolean) => {
        if (!ok) errors++;
        latencies[i] = performance.now() - scheduled;
        if (++done === total) resolve({ latencies, errors });
      };
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        while (sent < due) {
          const i = sent++;
          const scheduled = start + (i * 1000) / rate;
          pool.request({ method: 'GET', path: PATH, headers }).then(
            async (res) => {
              await res.body.dump();
              settle(i, scheduled, res.statusCode === 200);
            },
            () => settle(i, scheduled, false),
          );
        }
        // A timer, not setImmediate: a spinning generator would take a core from those measured.
        if (sent < total) setTimeout(tick, 1);
      };
      setTimeout(tick, 5);
    });
  };
  await phase(Math.floor(rate));
  const { latencies, errors } = await phase(Math.floor(rate * seconds));
  await pool.close();
  latencies.sort();
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(
    `${JSON.stringify({ rps: rate, p50Ms: at(0.5), p99Ms: at(0.99), errors })}\n`,
  );
}

// ---------------------------------------------------------------- load

function hasBinary(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin']) {
    try {
      execFileSync(join(dir, name), ['-v'], { stdio: 'ignore' });
      return join(dir, name);
    } catch (error) {
      // wrk -v exits 1 after printing its version: the binary is there.
      if ((error as { status?: number }).status === 1) return join(dir, name);
    }
  }
  return undefined;
}

function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (m === null) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

function peakWithWrk(wrk: string, target: Target, seconds: number): Peak {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  for (const [name, value] of Object.entries(target.headers)) args.push('-H', `${name}: ${value}`);
  const out = execFileSync(wrk, [...args, target.url + PATH], {
    encoding: 'utf8',
    timeout: (seconds + 20) * 1000,
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p50 = wrkMs(/^\s+50%\s+(\S+)$/m.exec(out)?.[1] ?? '');
  const p99 = wrkMs(/^\s+99%\s+(\S+)$/m.exec(out)?.[1] ?? '');
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) +
    [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
  return { name: target.name, rps, p50Ms: p50, p99Ms: p99, errors };
}

async function childResult(role: string, args: object): Promise<Omit<Peak, 'name'>> {
  const { child, line } = await startChild(role, [JSON.stringify(args)]);
  child.kill();
  return JSON.parse(line) as Omit<Peak, 'name'>;
}

async function peak(wrk: string | undefined, target: Target): Promise<Peak> {
  // A short warm-up (JIT, pools, key cache) that is not counted.
  if (wrk !== undefined) {
    peakWithWrk(wrk, target, 2);
    return peakWithWrk(wrk, target, PEAK_SECONDS);
  }
  await childResult('closed-loop', { url: target.url, headers: target.headers, seconds: 2 });
  const r = await childResult('closed-loop', {
    url: target.url,
    headers: target.headers,
    seconds: PEAK_SECONDS,
  });
  return { name: target.name, ...r };
}

async function fixedRate(target: Target, rate: number): Promise<Peak> {
  const r = await childResult('open-loop', {
    url: target.url,
    headers: target.headers,
    seconds: LATENCY_SECONDS,
    rate,
  });
  return { name: target.name, ...r };
}

// ---------------------------------------------------------------- parties

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitUntilAnswering(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { headers: { host: HOST } });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}

async function startNginx(
  backendUrl: string,
  workers = 1,
): Promise<{ url: string; stop(): void } | undefined> {
  const nginx = hasBinary('nginx');
  if (nginx === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-nginx-'));
  const port = await freePort();
  const upstream = new URL(backendUrl).host;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream backend { server ${upstream}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
  );
  const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url);
  return {
    url,
    stop() {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `rolegate gateway --workers N` as an operator runs it (the CLI binary, access log to /dev/null). */
async function startGatewayWorkers(
  dir: string,
  config: Awaited<ReturnType<typeof gatewayConfig>>,
  workers: number,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const file = join(dir, `gateway-${workers}-workers.json`);
  writeFileSync(file, JSON.stringify({ ...config, listeners: [{ host: '127.0.0.1', port }] }));
  const bin = fileURLToPath(new URL('../packages/cli/bin/rolegate.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, 'gateway', '--config', file, '--workers', String(workers)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url);
  return { child, url };
}

async function benchToken(dir: string): Promise<{ jwksFile: string; token: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    rolegate: {
      v: 1,
      method: 'aws-sts',
      principal_type: 'AssumedRole',
      account: '444455556666',
      partition: 'aws',
      session_arn: 'arn:aws:sts::444455556666:assumed-role/billing/session-1',
      session_name: 'session-1',
      user_id: 'AROAEXAMPLEEXAMPLE01:session-1',
      tags: { team: 'payments' },
    },
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject('arn:aws:iam::444455556666:role/billing')
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .setJti('bench-1')
    .sign(privateKey);
  return { jwksFile, token };
}

async function gatewayConfig(backendUrl: string, jwksFile: string, tokenCacheSize: number) {
  const { SVC, toIam, typicalSpecs } = await import(
    '../packages/policy/test/support/lattice-workload.ts'
  );
  return {
    listeners: [{ host: '127.0.0.1', port: 0 }],
    admin: false,
    jwt: { issuer: ISSUER, jwksFile, tokenCacheSize },
    services: [
      {
        name: 'billing',
        listener: { hosts: [HOST] },
        upstreams: [backendUrl],
        serviceArn: SVC,
        audiences: [AUDIENCE],
        policy: toIam(typicalSpecs()),
        upstream: { connections: CONNECTIONS * 2 },
      },
    ],
  };
}

function printPeaks(peaks: readonly Peak[], anchor: Peak): void {
  console.table(
    peaks.map((p) => ({
      name: p.name,
      'req/s': Math.round(p.rps).toLocaleString('en-US'),
      'x nginx': (p.rps / anchor.rps).toFixed(2),
      'p50 ms': p.p50Ms.toFixed(2),
      'p99 ms': p.p99Ms.toFixed(2),
      errors: p.errors,
    })),
  );
}

export default async function gatewayBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-gw-'));
  const children: ChildProcess[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let nginx2: Awaited<ReturnType<typeof startNginx>>;
  try {
    const backend = await startChild('backend');
    children.push(backend.child);
    const { jwksFile, token } = await benchToken(dir);
    const startGw = async (cache: number) => {
      const gw = await startChild('gateway', [
        JSON.stringify(await gatewayConfig(backend.line, jwksFile, cache)),
      ]);
      children.push(gw.child);
      return gw;
    };
    const bare = await startChild('bare-proxy', [backend.line]);
    children.push(bare.child);
    const uncached = await startGw(0);
    const cached = await startGw(10_000);
    nginx = await startNginx(backend.line);
    nginx2 = await startNginx(backend.line, 2);
    const multi = await startGatewayWorkers(dir, await gatewayConfig(backend.line, jwksFile, 0), 2);
    children.push(multi.child);
    const wrk = hasBinary('wrk');
    console.log(
      `\n## gateway: reverse proxy on loopback, ${CONNECTIONS} connections, load from ${wrk ? 'wrk' : 'an undici Pool (wrk not installed)'}`,
    );
    const plain = { Host: HOST };
    const authed = { Host: HOST, Authorization: `Bearer ${token}` };
    const direct = await peak(wrk, { name: 'backend directly', url: backend.line, headers: plain });
    const peaks: Peak[] = [direct];
    if (nginx === undefined) {
      console.log('nginx is not installed (apt-get install -y nginx): the nginx row is skipped');
    } else {
      peaks.push(
        await peak(wrk, {
          name: 'nginx, plain reverse proxy (1 worker)',
          url: nginx.url,
          headers: plain,
        }),
      );
    }
    peaks.push(
      await peak(wrk, {
        name: 'bare Node proxy (node:http + undici, no auth)',
        url: bare.line,
        headers: plain,
      }),
    );
    const gwTarget = {
      name: 'gateway, JWT verified every request + Lattice policy',
      url: uncached.line,
      headers: authed,
    };
    const gwPeak = await peak(wrk, gwTarget);
    peaks.push(gwPeak);
    peaks.push(
      await peak(wrk, {
        name: 'gateway, token cache + Lattice policy',
        url: cached.line,
        headers: authed,
      }),
    );
    // Every process of the machine, for both: nginx with two workers beside two gateway workers.
    const multiPeaks: Peak[] = [];
    if (nginx2 !== undefined) {
      multiPeaks.push(
        await peak(wrk, {
          name: 'nginx, plain reverse proxy (2 workers)',
          url: nginx2.url,
          headers: plain,
        }),
      );
    }
    multiPeaks.push(
      await peak(wrk, {
        name: 'gateway --workers 2, JWT verified every request + policy',
        url: multi.url,
        headers: authed,
      }),
    );
    const anchor = nginx === undefined ? direct : peaks[1]!;
    printPeaks(peaks, anchor);
    console.log(`\n## gateway: ${cpus().length} cores, two processes each`);
    printPeaks(multiPeaks, multiPeaks.length === 2 ? multiPeaks[0]! : anchor);

    const rate = Math.max(100, Math.floor(gwPeak.rps / 2));
    // The same rate through every proxy: what nginx and a bare Node proxy add at p99 is the floor
    // the gateway's own figure is read against.
    const direct0 = await fixedRate(
      { name: 'backend directly', url: backend.line, headers: plain },
      rate,
    );
    const atRate: Peak[] = [direct0];
    if (nginx !== undefined) {
      atRate.push(
        await fixedRate(
          { name: 'nginx, plain reverse proxy', url: nginx.url, headers: plain },
          rate,
        ),
      );
    }
    const bareAtRate = await fixedRate(
      { name: 'bare Node proxy (node:http + undici, no auth)', url: bare.line, headers: plain },
      rate,
    );
    atRate.push(bareAtRate);
    const gwAtRate = await fixedRate(gwTarget, rate);
    atRate.push(gwAtRate);
    console.log(
      `\n## gateway: latency at ${rate.toLocaleString('en-US')} req/s (half the verifying gateway's peak), open loop`,
    );
    console.table(
      atRate.map((p) => ({
        name: p.name,
        'p50 ms': p.p50Ms.toFixed(2),
        'p99 ms': p.p99Ms.toFixed(2),
        'p99 added ms': (p.p99Ms - direct0.p99Ms).toFixed(2),
        errors: p.errors,
      })),
    );
    const added = gwAtRate.p99Ms - direct0.p99Ms;
    const bareAdded = bareAtRate.p99Ms - direct0.p99Ms;
    const barePeak = peaks.find((p) => p.name.startsWith('bare Node proxy'))!;
    const ratio = nginx === undefined ? undefined : gwPeak.rps / anchor.rps;
    console.log(
      `  verifying gateway / nginx throughput = ${ratio === undefined ? 'n/a (no nginx)' : ratio.toFixed(2)} (target ≥ 0.5: ${ratio === undefined ? 'not measured' : ratio >= 0.5 ? 'met' : 'not met'})\n` +
        `  p99 added by the gateway at half its peak = ${added.toFixed(2)} ms (target < 2 ms: ${added < 2 ? 'met' : 'not met'})\n` +
        `  floor of a Node proxy here: bare Node proxy / nginx = ${nginx === undefined ? 'n/a' : (barePeak.rps / anchor.rps).toFixed(2)}, ` +
        `p99 it adds at the same rate = ${bareAdded.toFixed(2)} ms; ` +
        `verifying gateway / bare Node proxy = ${(gwPeak.rps / barePeak.rps).toFixed(2)}`,
    );
  } finally {
    nginx?.stop();
    nginx2?.stop();
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- child entry point

const role = process.argv.find((a) => a.startsWith(ROLE_FLAG))?.slice(ROLE_FLAG.length);
if (role !== undefined) {
  const arg = process.argv[process.argv.indexOf(`${ROLE_FLAG}${role}`) + 1] ?? '{}';
  const roles: Record<string, () => Promise<void>> = {
    backend: runBackend,
    gateway: () => runGateway(arg),
    'bare-proxy': () => runBareProxy(arg),
    'closed-loop': () => runClosedLoop(arg),
    'open-loop': () => runOpenLoop(arg),
  };
  await roles[role]!();
}
