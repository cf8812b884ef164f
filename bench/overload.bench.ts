// Overload: what the gateway and the broker do when offered more than they can serve (issue #18,
// point 5). Each server runs alone in its own process with its default `limits` (shedding on);
// the load comes from another process:
//
//   1. peak: closed loop (64 connections, undici) against the server with shedding off — the most
//      it serves per second here;
//   2. open loop at 2x and 4x that peak: requests start on a fixed schedule whatever the answers
//      (as independent callers do; wrk2's model), on up to 2,048 connections, each with a 2 s
//      deadline. Latency counts from each request's scheduled start, so a queue is not hidden;
//   3. the same 2x with shedding off (maxInFlight and maxEventLoopDelayMs 0), for comparison.
//
// Printed per run: the rate offered (and really sent), goodput (2xx/s) as a share of the peak,
// the share shed (503 with Retry-After), p50/p99 of the requests served, errors (timeouts, resets,
// other statuses), and the server's resident memory (now and its high-water mark). The target:
// goodput at 2x ≥ 80 % of peak, p99 bounded, no crash, memory bounded.
//
// The gateway verifies a bearer token (token cache on, the default) and evaluates a 10-statement
// Lattice policy in front of a node:http backend. The broker exchanges presigned STS proofs, each
// confirmed by the STS emulator (own process, verifying SigV4), and signs RS256 with a local key;
// its replay cache is a stand-in that accepts every proof, so a pool of proofs made beforehand can
// be sent again and again (a real memory cache's claim is one Map insert).
//
// This file is also the child processes' entry point (`--overload-bench-role=…`).

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { benchToken } from './support/gateway/parties.ts';

const SELF = fileURLToPath(import.meta.url);
const ROLE_FLAG = '--overload-bench-role=';
const PEAK_CONNECTIONS = 64;
const OPEN_CONNECTIONS = 2048;
const DEADLINE_MS = 2000;
const WARM_SECONDS = 2;
const RUN_SECONDS = 6;
const HOST = 'billing.example';
const PATH = '/invoices/2025/06?limit=50&status=open';
const ISSUER = 'https://rolegate.example.com';
const AUDIENCE = 'https://billing.example.com';
const IDENTITIES = 200;
const PROOFS = 3000;

/** What the load generator sends: a gateway GET with a token, or a broker token exchange. */
type Load =
  | { readonly kind: 'gateway'; readonly headers: Record<string, string> }
  | { readonly kind: 'broker'; readonly proofsFile: string };

interface RunResult {
  /** Requests sent, the warm-up included. */
  readonly total: number;
  /** Requests per second really sent (the generator may fall behind the schedule). */
  readonly sentPerSecond: number;
  readonly okPerSecond: number;
  readonly shedShare: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly shedP99Ms: number;
  /** How late the generator itself sent (p99, ms): when large, the machine starved the load too. */
  readonly sendLagP99Ms: number;
  readonly timeouts: number;
  readonly otherErrors: number;
  readonly otherStatuses: Record<string, number>;
}

// ---------------------------------------------------------------- child processes

async function startChild(
  role: string,
  arg: unknown = {},
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SELF, `${ROLE_FLAG}${role}`, JSON.stringify(arg)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  lines.on('line', (l) => nextLines.get(child)?.(l));
  return { child, line };
}

/** Who waits for a child's next stdout line (the CPU time it prints on SIGUSR2). */
const nextLines = new Map<ChildProcess, (line: string) => void>();

/** CPU time (user + system, all threads) a server child has used so far, in ms. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    nextLines.set(child, (line) => {
      nextLines.delete(child);
      const { user, system } = JSON.parse(line) as NodeJS.CpuUsage;
      resolve((user + system) / 1000);
    });
    child.kill('SIGUSR2');
  });
}

/** Server children print their CPU time on SIGUSR2. */
function reportCpuOnSignal(): void {
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
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

async function runGateway(config: object): Promise<void> {
  const { createGateway, createGatewayLogger, parseGatewayConfig } = await import(
    '@rolegate/gateway'
  );
  const pino = (await import('pino')).default;
  // The access log is on, as in production, written to /dev/null without blocking.
  const logger = createGatewayLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const gateway = await createGateway(parseGatewayConfig(config), { logger });
  await gateway.listen();
  reportCpuOnSignal();
  process.stdout.write(`${gateway.url}\n`);
}

async function runSts(identities: object[]): Promise<void> {
  const { startStsEmulator } = await import('@rolegate/testkit');
  const sts = await startStsEmulator({ identities: identities as never });
  process.stdout.write(`${sts.url}\n`);
}

async function runBroker(args: {
  stsUrl: string;
  stateDir: string;
  limits: object;
}): Promise<void> {
  const { createBroker, parseBrokerConfig } = await import('@rolegate/broker');
  const broker = await createBroker(
    parseBrokerConfig({
      issuer: 'http://broker.bench',
      dev: true,
      stateDir: args.stateDir,
      listen: { host: '127.0.0.1', port: 0 },
      admin: false,
      opsOnMainPort: false,
      logLevel: 'silent',
      // The load comes from one loopback address: the per-IP limit would measure itself.
      limits: { tokenRequestsPerIpPerMinute: 0, ...args.limits },
      sts: { endpointOverrides: { '*': args.stsUrl } },
    }),
    { replayCache: { seen: async () => false, claim: async () => true, close: async () => {} } },
  );
  const url = await broker.listen(0);
  reportCpuOnSignal();
  process.stdout.write(`${JSON.stringify({ url, loginAudience: broker.loginAudience })}\n`);
}

/** Builds the request function of a load: one call sends one request and resolves to its status. */
function requester(pool: Pool, load: Load): () => Promise<number> {
  if (load.kind === 'gateway') {
    return async () => {
      const res = await pool.request({ method: 'GET', path: PATH, headers: load.headers });
      await res.body.dump();
      return res.statusCode;
    };
  }
  const proofs = JSON.parse(readFileSync(load.proofsFile, 'utf8')) as string[];
  const bodies = proofs.map((proof) =>
    new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: proof,
      subject_token_type: 'urn:rolegate:token-type:aws-sts-presigned',
      audience: 'https://billing.example',
    }).toString(),
  );
  let next = 0;
  return async () => {
    const res = await pool.request({
      method: 'POST',
      path: '/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: bodies[next++ % bodies.length]!,
    });
    await res.body.dump();
    return res.statusCode;
  };
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Closed loop: `connections` callers, each sending its next request when the last is answered. */
async function runClosedLoop(args: { url: string; load: Load; seconds: number }): Promise<void> {
  const pool = new Pool(args.url, { connections: PEAK_CONNECTIONS, pipelining: 1 });
  const send = requester(pool, args.load);
  const measure = async (seconds: number) => {
    let ok = 0;
    let other = 0;
    const until = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        const status = await send().catch(() => 0);
        if (status >= 200 && status < 300) ok++;
        else other++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: PEAK_CONNECTIONS }, worker));
    return { rps: ok / ((performance.now() - started) / 1000), other };
  };
  await measure(WARM_SECONDS);
  const result = await measure(args.seconds);
  await pool.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Open loop at `rate`: request i starts at start + i/rate whether or not earlier ones were
 * answered. The first WARM_SECONDS are sent but not counted.
 */
async function runOpenLoop(args: {
  url: string;
  load: Load;
  rate: number;
  seconds: number;
}): Promise<void> {
  const pool = new Pool(args.url, {
    connections: OPEN_CONNECTIONS,
    pipelining: 1,
    headersTimeout: DEADLINE_MS,
    bodyTimeout: DEADLINE_MS,
    connect: { timeout: DEADLINE_MS },
  });
  const send = requester(pool, args.load);
  const { rate } = args;
  const warm = Math.floor(rate * WARM_SECONDS);
  const total = warm + Math.floor(rate * args.seconds);
  const served: number[] = [];
  const lags: number[] = [];
  const shed: number[] = [];
  let timeouts = 0;
  let otherErrors = 0;
  const otherStatuses: Record<string, number> = {};
  let sent = 0;
  let done = 0;
  const start = performance.now() + 20;
  let countedFirstSent = 0;
  let countedLastSent = 0;
  await new Promise<void>((resolve) => {
    const settle = (i: number, scheduled: number, outcome: number | Error) => {
      const latency = performance.now() - scheduled;
      if (i >= warm) {
        if (typeof outcome !== 'number') {
          if (/timeout/i.test(outcome.name + outcome.message)) timeouts++;
          else otherErrors++;
        } else if (outcome >= 200 && outcome < 300) served.push(latency);
        else if (outcome === 503) shed.push(latency);
        else otherStatuses[outcome] = (otherStatuses[outcome] ?? 0) + 1;
      }
      if (++done === total) resolve();
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      while (sent < due) {
        const i = sent++;
        if (i === warm) countedFirstSent = now;
        countedLastSent = now;
        const scheduled = start + (i * 1000) / rate;
        if (i >= warm) lags.push(now - scheduled);
        send().then(
          (status) => settle(i, scheduled, status),
          (error: Error) => settle(i, scheduled, error),
        );
      }
      // A timer, not setImmediate: a spinning generator would take a core from the server.
      if (sent < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 20);
  });
  await pool.destroy();
  const counted = total - warm;
  const sentSeconds = Math.max(args.seconds, (countedLastSent - countedFirstSent) / 1000);
  const sortedServed = Float64Array.from(served).sort();
  const sortedShed = Float64Array.from(shed).sort();
  const result: RunResult = {
    total,
    sentPerSecond: counted / sentSeconds,
    okPerSecond: served.length / sentSeconds,
    shedShare: shed.length / counted,
    p50Ms: quantile(sortedServed, 0.5),
    p99Ms: quantile(sortedServed, 0.99),
    shedP99Ms: quantile(sortedShed, 0.99),
    sendLagP99Ms: quantile(Float64Array.from(lags).sort(), 0.99),
    timeouts,
    otherErrors,
    otherStatuses,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- measuring

/** Resident memory of a process, now and its high-water mark, in MiB (Linux /proc). */
function rssOf(pid: number | undefined): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

async function childResult<T>(role: string, arg: unknown): Promise<T> {
  const { child, line } = await startChild(role, arg);
  child.kill();
  return JSON.parse(line) as T;
}

interface Row {
  readonly server: string;
  readonly load: string;
  readonly result: RunResult;
  readonly rssMiB: number;
}

interface Party {
  readonly url: string;
  readonly child: ChildProcess;
}

/** CPU time the server spends per request (ms) at `rate`, and the share of them shed. */
async function cpuPerRequest(
  party: Party,
  load: Load,
  rate: number,
): Promise<{ cpuMs: number; shedShare: number }> {
  // What the idle process spends (timers, the loop-delay sampler, GC) is not the requests' cost.
  const idleStart = await cpuOf(party.child);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idlePerMs = ((await cpuOf(party.child)) - idleStart) / 2000;
  const before = await cpuOf(party.child);
  const started = performance.now();
  const result = await childResult<RunResult>('open-loop', {
    url: party.url,
    load,
    rate,
    seconds: RUN_SECONDS,
  });
  const used = (await cpuOf(party.child)) - before - idlePerMs * (performance.now() - started);
  return { cpuMs: used / result.total, shedShare: result.shedShare };
}

/**
 * Takes the one slot of a server started with maxInFlight 1: a request whose body never comes
 * (admitted, then held until the server's request timeout). Every other request is then shed.
 */
async function holdSlot(url: string, head: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  socket.write(head);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return socket;
}

async function measureServer(
  name: string,
  url: string,
  load: Load,
  server: ChildProcess,
  unguarded: Party,
  allShed: Party & { readonly holdHead: string },
) {
  const rssStart = rssOf(server.pid).rss;
  // The peak of the server itself, shedding off: a closed loop against a shedding server measures
  // how fast it sheds once the machine is busy (a 503 comes back at once and the caller sends
  // again at once), not how much it serves.
  const peak = await childResult<{ rps: number; other: number }>('closed-loop', {
    url: unguarded.url,
    load,
    seconds: RUN_SECONDS,
  });
  const rows: Row[] = [];
  for (const [label, target, multiple] of [
    ['2x', { url, child: server }, 2],
    ['4x', { url, child: server }, 4],
    ['2x, shedding off', unguarded, 2],
  ] as const) {
    const result = await childResult<RunResult>('open-loop', {
      url: target.url,
      load,
      rate: Math.round(peak.rps * multiple),
      seconds: RUN_SECONDS,
    });
    const alive = target.child.exitCode === null && target.child.signalCode === null;
    rows.push({
      server: `${name}${alive ? '' : ' (CRASHED)'}`,
      load: label,
      result,
      rssMiB: rssOf(target.child.pid).rss,
    });
  }
  // What a served and a shed request cost the server in CPU, at the same rate: machine load
  // stretches wall-clock figures, much less CPU time. Their ratio predicts the goodput a server
  // with a core of its own keeps when offered k times its peak: (1 − k·r) / (1 − r).
  const rate = Math.max(50, Math.round(peak.rps / 2));
  const served = await cpuPerRequest(unguarded, load, rate);
  const held = await holdSlot(allShed.url, allShed.holdHead);
  const shed = await cpuPerRequest(allShed, load, rate);
  held.destroy();
  return {
    peak: peak.rps,
    rows,
    rssStart,
    servedCpuMs: served.cpuMs,
    shedCpuMs: shed.cpuMs,
    cpuRate: rate,
    cpuRunsShed: [served.shedShare, shed.shedShare] as const,
  };
}

function printRows(peak: number, rows: readonly Row[]): void {
  console.table(
    rows.map(({ server, load, result: r, rssMiB }) => ({
      server,
      load,
      'offered/s': Math.round(r.sentPerSecond),
      'goodput/s': Math.round(r.okPerSecond),
      'x peak': (r.okPerSecond / peak).toFixed(2),
      'shed %': (r.shedShare * 100).toFixed(1),
      'p50 ms': r.p50Ms.toFixed(1),
      'p99 ms': r.p99Ms.toFixed(1),
      'shed p99 ms': r.shedP99Ms.toFixed(1),
      'send lag p99 ms': r.sendLagP99Ms.toFixed(1),
      timeouts: r.timeouts,
      'other errors': r.otherErrors + Object.values(r.otherStatuses).reduce((a, b) => a + b, 0),
      'RSS MiB': Math.round(rssMiB),
    })),
  );
}

// ---------------------------------------------------------------- parties

async function gatewayConfig(backendUrl: string, jwksFile: string, limits: object) {
  const { SVC, toIam, typicalSpecs } = await import(
    '../packages/policy/test/support/lattice-workload.ts'
  );
  return {
    listeners: [{ host: '127.0.0.1', port: 0 }],
    admin: false,
    jwt: { issuer: ISSUER, jwksFile },
    limits,
    services: [
      {
        name: 'billing',
        listener: { hosts: [HOST] },
        upstreams: [backendUrl],
        serviceArn: SVC,
        audiences: [AUDIENCE],
        policy: toIam(typicalSpecs()),
        upstream: { connections: 256 },
      },
    ],
  };
}

const SHEDDING_OFF = { maxInFlight: 0, maxEventLoopDelayMs: 0 };
/** One slot, held by a request whose body never comes: every other request is shed. */
const ALL_SHED = { maxInFlight: 1, maxEventLoopDelayMs: 0 };

async function benchGateway(dir: string, children: ChildProcess[]) {
  const backend = await startChild('backend');
  children.push(backend.child);
  const { jwksFile, token } = await benchToken(dir);
  const gw = await startChild('gateway', await gatewayConfig(backend.line, jwksFile, {}));
  children.push(gw.child);
  const off = await startChild(
    'gateway',
    await gatewayConfig(backend.line, jwksFile, SHEDDING_OFF),
  );
  children.push(off.child);
  const shed = await startChild('gateway', await gatewayConfig(backend.line, jwksFile, ALL_SHED));
  children.push(shed.child);
  const load: Load = { kind: 'gateway', headers: { Host: HOST, Authorization: `Bearer ${token}` } };
  return measureServer(
    'gateway',
    gw.line,
    load,
    gw.child,
    { url: off.line, child: off.child },
    {
      url: shed.line,
      child: shed.child,
      holdHead: `GET ${PATH} HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n`,
    },
  );
}

async function benchBroker(dir: string, children: ChildProcess[]) {
  const { createStsProof } = await import('@rolegate/client');
  const identities = Array.from({ length: IDENTITIES }, (_, i) => {
    const id = randomBytes(10)
      .toString('hex')
      .toUpperCase()
      .replace(/[^A-Z2-7]/g, 'A')
      .slice(0, 16);
    return {
      name: `bench-${i}`,
      accessKeyId: `ASIA${id}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(240).toString('base64')}`,
      arn: `arn:aws:sts::111122223333:assumed-role/bench/session-${i}`,
      userId: `AROA${id}A:session-${i}`,
      account: '111122223333',
    };
  });
  const sts = await startChild('sts', identities);
  children.push(sts.child);
  const start = async (limits: object) => {
    const stateDir = mkdtempSync(join(dir, 'broker-'));
    const broker = await startChild('broker', { stsUrl: sts.line, stateDir, limits });
    children.push(broker.child);
    return {
      child: broker.child,
      ...(JSON.parse(broker.line) as { url: string; loginAudience: string }),
    };
  };
  const broker = await start({});
  const off = await start(SHEDDING_OFF);
  const shed = await start(ALL_SHED);
  const proofs: string[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const who = identities[i % identities.length]!;
    proofs.push(
      await createStsProof({
        audience: broker.loginAudience,
        credentials: {
          accessKeyId: who.accessKeyId,
          secretAccessKey: who.secretAccessKey,
          sessionToken: who.sessionToken,
        },
        endpoint: { kind: 'regional', region: 'us-east-1' },
      }),
    );
  }
  const proofsFile = join(dir, 'proofs.json');
  writeFileSync(proofsFile, JSON.stringify(proofs));
  return measureServer('broker', broker.url, { kind: 'broker', proofsFile }, broker.child, off, {
    ...shed,
    holdHead:
      'POST /v1/token HTTP/1.1\r\nHost: broker.bench\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
  });
}

export default async function overloadBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-overload-'));
  const children: ChildProcess[] = [];
  try {
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`machine load average at start (1, 5, 15 min): ${load.join(', ')}`);
    console.log(
      `\n## overload: ${cpus().length} cores shared by server, load generator and backend/STS; ` +
        `open loop on up to ${OPEN_CONNECTIONS} connections, ${DEADLINE_MS} ms deadline, ${RUN_SECONDS} s counted after ${WARM_SECONDS} s`,
    );
    for (const [name, bench] of [
      ['gateway (JWT + token cache + Lattice policy)', benchGateway],
      ['broker (STS proof + STS emulator + RS256 local key)', benchBroker],
    ] as const) {
      const { peak, rows, rssStart, servedCpuMs, shedCpuMs, cpuRate, cpuRunsShed } = await bench(
        dir,
        children,
      );
      console.log(
        `\n### ${name}: peak ${Math.round(peak)} req/s (closed loop, ${PEAK_CONNECTIONS} connections); RSS at start ${Math.round(rssStart)} MiB`,
      );
      printRows(peak, rows);
      const twice = rows[0]!.result;
      const ratio = twice.okPerSecond / peak;
      console.log(
        `  goodput at 2x = ${ratio.toFixed(2)} of peak (target ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'not met'}); p99 served at 2x ${twice.p99Ms.toFixed(0)} ms, at 4x ${rows[1]!.result.p99Ms.toFixed(0)} ms`,
      );
      const r = shedCpuMs / servedCpuMs;
      const predicted = (k: number) => Math.max(0, (1 - k * r) / (1 - r));
      if (!(servedCpuMs > 0 && shedCpuMs > 0 && r < 1)) {
        // Idle CPU varied more than the requests cost: other work on the machine swamped it.
        console.log('  CPU per request: n/a (the machine was too busy to tell it from idle)');
        for (const child of children.splice(0)) child.kill();
        continue;
      }
      console.log(
        `  CPU per request at ${cpuRate} req/s: served ${(servedCpuMs * 1000).toFixed(0)} µs (shedding off), ` +
          `shed ${(shedCpuMs * 1000).toFixed(0)} µs (${(cpuRunsShed[1] * 100).toFixed(1)} % of that run shed), r = ${r.toFixed(3)}; ` +
          `goodput a server with a core of its own keeps: at 2x ${predicted(2).toFixed(2)}, at 4x ${predicted(4).toFixed(2)} of peak`,
      );
      for (const child of children.splice(0)) child.kill();
    }
  } finally {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- child entry point

const role = process.argv.find((a) => a.startsWith(ROLE_FLAG))?.slice(ROLE_FLAG.length);
if (role !== undefined) {
  const arg = JSON.parse(process.argv[process.argv.indexOf(`${ROLE_FLAG}${role}`) + 1] ?? '{}');
  const roles: Record<string, () => Promise<void>> = {
    backend: runBackend,
    gateway: () => runGateway(arg),
    sts: () => runSts(arg),
    broker: () => runBroker(arg),
    'closed-loop': () => runClosedLoop(arg),
    'open-loop': () => runOpenLoop(arg),
  };
  await roles[role]!();
}
