// Overload: what the gateway and the broker do when offered more than they can serve (issue #18,
// point 5). Each server runs alone in its own process with its default `limits` (shedding on),
// on a core of its own where the machine allows (bench/support/overload/children.ts); the load
// comes from a raw-socket generator in another process (bench/support/overload/raw-load.ts):
//
//   1. peak: closed loop (64 connections) against the server with shedding off — the most it
//      serves per second here;
//   2. open loop at 2x and 4x that peak: requests are due on a fixed schedule whatever the answers
//      (as independent callers send; wrk2's model), on up to 2,048 connections, each with a 2 s
//      deadline. Latency counts from when each request was due, so a queue is not hidden;
//   3. the same 2x with shedding off (maxInFlight and maxEventLoopDelayMs 0), for comparison.
//
// Printed per run: the rate offered (and really sent), goodput (2xx/s) as a share of the peak,
// the share shed (503 with Retry-After), p50/p99 of the requests served, errors (timeouts, resets,
// other statuses), and the server's resident memory. The target: goodput at 2x ≥ 80 % of peak,
// p99 bounded, no crash, memory bounded.
//
// Beside it, measured in the same run at saturation (closed loop, the server's CPU time over its
// answers): what a served and a shed request cost the server, and the floor — node:http answering
// a fixed 503 and nothing else (no server built on node:http sheds a request for less). With a served request costing s and a shed one c, a server offered k times
// its peak keeps (1 − k·c/s) / (1 − c/s) of it at best: the floor's c bounds what any Node server
// with this served cost can keep.
//
// The gateway verifies a bearer token (token cache on, the default) and evaluates a 10-statement
// Lattice policy in front of a backend (nginx returning a fixed body when installed, else node:http).
// The broker exchanges presigned STS proofs, each confirmed by the STS emulator (own process,
// verifying SigV4), and signs RS256 with a local key.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCEPTORS, reusePortSupported } from '@rolegate/identity';
import {
  gatewayConfig as benchGatewayConfig,
  benchToken,
  startNginx,
} from './support/gateway/parties.ts';
import {
  type Child,
  cpuOf,
  describePinning,
  load,
  PINNING,
  rssOf,
  startChild,
} from './support/overload/children.ts';
import type { LoadMode, LoadResult } from './support/overload/raw-load.ts';
import { makeIdentities } from './support/sts-identities.ts';

const PEAK_CONNECTIONS = 64;
const OPEN_CONNECTIONS = 2048;
const DEADLINE_MS = 2000;
const WARM_SECONDS = 2;
const RUN_SECONDS = 6;
const HOST = 'billing.example';
const PATH = '/invoices/2025/06?limit=50&status=open';
const IDENTITIES = 200;
const PROOFS = 3000;

interface Target {
  readonly url: string;
  readonly child: ChildProcess;
}

/** What the generator sends to a target: whole requests, used in turn. */
type Requests = readonly string[];

function offer(target: Target, requests: Requests, mode: LoadMode): Promise<LoadResult> {
  const { hostname, port } = new URL(target.url);
  return load({
    host: hostname,
    port: Number(port),
    requests,
    mode,
    warmSeconds: WARM_SECONDS,
    seconds: RUN_SECONDS,
    deadlineMs: DEADLINE_MS,
  });
}

const closedLoop: LoadMode = { kind: 'closed', connections: PEAK_CONNECTIONS };
const openLoop = (rate: number): LoadMode => ({
  kind: 'open',
  rate,
  maxConnections: OPEN_CONNECTIONS,
});

/**
 * A closed loop against `target` and the CPU time it spent per answer (µs), the warm-up included.
 * At saturation — the server alone on its core — that is what an answer costs when it is busiest,
 * which is when shedding has to pay for itself.
 */
async function atSaturation(target: Target, requests: Requests) {
  const before = await cpuOf(target.child);
  const result = await offer(target, requests, closedLoop);
  const used = (await cpuOf(target.child)) - before;
  return { result, micros: (used * 1000) / Math.max(1, result.answered) };
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

interface Row {
  readonly load: string;
  readonly result: LoadResult;
  readonly rssMiB: number;
  readonly alive: boolean;
}

interface Servers {
  readonly guarded: Target;
  readonly unguarded: Target;
  /** Started with one in-flight slot, held by `holdHead`: every other request is shed. */
  readonly allShed: Target & { readonly holdHead: string };
  readonly requests: Requests;
}

async function measureServer(servers: Servers, floor: Target) {
  const { guarded, unguarded, allShed, requests } = servers;
  const rssStart = rssOf(guarded.child.pid).rss;
  // The peak of the server itself, shedding off: a closed loop against a shedding server measures
  // how fast it sheds (a 503 comes back at once and the caller sends again at once).
  const { result: peak, micros: servedMicros } = await atSaturation(unguarded, requests);
  // The guarded server warmed the same way (JIT, pools), so the 2x run does not meet it cold.
  await offer(guarded, requests, closedLoop);
  const rows: Row[] = [];
  for (const [label, target, multiple] of [
    ['2x', guarded, 2],
    ['4x', guarded, 4],
    ['2x, shedding off', unguarded, 2],
  ] as const) {
    const result = await offer(target, requests, openLoop(Math.round(peak.okPerSecond * multiple)));
    rows.push({
      load: label,
      result,
      rssMiB: rssOf(target.child.pid).rss,
      alive: target.child.exitCode === null && target.child.signalCode === null,
    });
  }
  const held = await holdSlot(allShed.url, allShed.holdHead);
  const shed = await atSaturation(allShed, requests);
  held.destroy();
  const atFloor = await atSaturation(floor, requests);
  return {
    peak,
    rows,
    rssStart,
    rssEnd: rssOf(guarded.child.pid),
    servedMicros,
    shedMicros: shed.micros,
    shedShare: shed.result.shedShare,
    floorMicros: atFloor.micros,
    floorPerSecond: atFloor.result.sentPerSecond,
  };
}

type Measured = Awaited<ReturnType<typeof measureServer>>;

/** The goodput a server with a core of its own keeps at k times its peak, by CPU cost alone. */
const keeps = (k: number, shedMicros: number, servedMicros: number) => {
  const r = shedMicros / servedMicros;
  return r >= 1 ? 0 : Math.max(0, (1 - k * r) / (1 - r));
};

function printMeasured(name: string, m: Measured): void {
  const peak = m.peak.okPerSecond;
  console.log(
    `\n### ${name}: peak ${Math.round(peak)} req/s (closed loop, ${PEAK_CONNECTIONS} connections, p99 ${m.peak.p99Ms.toFixed(1)} ms); RSS at start ${Math.round(m.rssStart)} MiB`,
  );
  console.table(
    m.rows.map(({ load: label, result: r, rssMiB, alive }) => ({
      load: label + (alive ? '' : ' (CRASHED)'),
      'offered/s': Math.round(r.sentPerSecond),
      'goodput/s': Math.round(r.okPerSecond),
      'x peak': (r.okPerSecond / peak).toFixed(2),
      'shed %': (r.shedShare * 100).toFixed(1),
      'p50 ms': r.p50Ms.toFixed(1),
      'p99 ms': r.p99Ms.toFixed(1),
      'shed p99 ms': r.shedP99Ms.toFixed(1),
      'send lag p99 ms': r.sendLagP99Ms.toFixed(1),
      timeouts: r.timeouts,
      refused: r.refused,
      'other errors': r.otherErrors + Object.values(r.otherStatuses).reduce((a, b) => a + b, 0),
      connections: r.connectionsOpened,
      'RSS MiB': Math.round(rssMiB),
    })),
  );
  for (const { load: label, result: r } of m.rows) {
    const statuses = Object.entries(r.otherStatuses).map(([status, n]) => `${n} × ${status}`);
    if (r.otherErrors > 0) statuses.push(`${r.otherErrors} reset after an answer`);
    if (statuses.length > 0) console.log(`  other errors at ${label}: ${statuses.join(', ')}`);
  }
  const [twice, fourTimes] = m.rows;
  const ratio = twice!.result.okPerSecond / peak;
  console.log(
    `  goodput at 2x = ${ratio.toFixed(2)} of peak (target ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'not met'}), at 4x ${(fourTimes!.result.okPerSecond / peak).toFixed(2)}; ` +
      `p99 served at 2x ${twice!.result.p99Ms.toFixed(0)} ms, at 4x ${fourTimes!.result.p99Ms.toFixed(0)} ms; RSS high-water ${Math.round(m.rssEnd.hwm)} MiB`,
  );
  const s = m.servedMicros;
  const c = m.shedMicros;
  const f = m.floorMicros;
  console.log(
    `  CPU per answer at saturation (closed loop, ${PEAK_CONNECTIONS} connections): served ${s.toFixed(0)} µs (shedding off), shed ${c.toFixed(0)} µs ` +
      `(${(m.shedShare * 100).toFixed(1)} % of that run shed), floor ${f.toFixed(0)} µs (node:http answering a fixed 503 and nothing else: ${Math.round(m.floorPerSecond)} answers/s)`,
  );
  console.log(
    `  by CPU alone a server with a core of its own keeps at 2x / 4x: ${keeps(2, c, s).toFixed(2)} / ${keeps(4, c, s).toFixed(2)} of peak; ` +
      `shedding at the floor would keep ${keeps(2, f, s).toFixed(2)} / ${keeps(4, f, s).toFixed(2)}`,
  );
}

// ---------------------------------------------------------------- parties

/** The gateway bench's service (token cache on) with `limits`. */
async function gatewayConfig(backendUrl: string, jwksFile: string, limits: object) {
  return { ...(await benchGatewayConfig(backendUrl, jwksFile, 10_000)), limits };
}

const SHEDDING_OFF = { maxInFlight: 0, maxEventLoopDelayMs: 0, maxQueueMs: 0 };
/** One slot, held by a request whose body never comes: every other request is shed. */
const ALL_SHED = { maxInFlight: 1, maxEventLoopDelayMs: 0, maxQueueMs: 0 };

type Cleanup = (() => void)[];

async function server(cleanup: Cleanup, role: string, arg: unknown): Promise<Child> {
  const started = await startChild('server', role, arg);
  cleanup.push(() => started.child.kill());
  return started;
}

/** The gateway's upstream: nginx returning a fixed body (cheap: the load's core is shared). */
async function backend(cleanup: Cleanup): Promise<string> {
  const body = JSON.stringify({ invoices: [{ id: 7, total: '12.50', currency: 'EUR' }] });
  const nginx = await startNginx(
    1,
    (port) => `
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / { default_type application/json; return 200 '${body}'; }
  }`,
    PINNING.others,
  );
  if (nginx !== undefined) {
    cleanup.push(() => nginx.stop());
    return nginx.url;
  }
  const node = await startChild('others', 'backend');
  cleanup.push(() => node.child.kill());
  return node.line;
}

async function gatewayServers(dir: string, cleanup: Cleanup): Promise<Servers> {
  const upstream = await backend(cleanup);
  const { jwksFile, token } = await benchToken(dir);
  const start = async (limits: object) => {
    const { child, line } = await server(
      cleanup,
      'gateway',
      await gatewayConfig(upstream, jwksFile, limits),
    );
    return { child, url: line };
  };
  const head = `GET ${PATH} HTTP/1.1\r\nHost: ${HOST}\r\nAuthorization: Bearer ${token}\r\n`;
  return {
    guarded: await start({}),
    unguarded: await start(SHEDDING_OFF),
    allShed: { ...(await start(ALL_SHED)), holdHead: `${head}Content-Length: 100000\r\n\r\n` },
    requests: [`${head}\r\n`],
  };
}

async function brokerServers(dir: string, cleanup: Cleanup): Promise<Servers> {
  const { createStsProof } = await import('@rolegate/client');
  const identities = makeIdentities(IDENTITIES);
  const sts = await startChild('others', 'sts', identities);
  cleanup.push(() => sts.child.kill());
  const start = async (limits: object) => {
    const stateDir = mkdtempSync(join(dir, 'broker-'));
    const { child, line } = await server(cleanup, 'broker', { stsUrl: sts.line, stateDir, limits });
    return { child, ...(JSON.parse(line) as { url: string; loginAudience: string }) };
  };
  const guarded = await start({});
  const unguarded = await start(SHEDDING_OFF);
  const allShed = await start(ALL_SHED);
  const requests: string[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const who = identities[i % identities.length]!;
    const proof = await createStsProof({
      audience: guarded.loginAudience,
      credentials: {
        accessKeyId: who.accessKeyId,
        secretAccessKey: who.secretAccessKey,
        sessionToken: who.sessionToken,
      },
      endpoint: { kind: 'regional', region: 'us-east-1' },
    });
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: proof,
      subject_token_type: 'urn:rolegate:token-type:aws-sts-presigned',
      audience: 'https://billing.example',
    }).toString();
    requests.push(
      'POST /v1/token HTTP/1.1\r\nHost: broker.bench\r\n' +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  }
  return {
    guarded,
    unguarded,
    allShed: {
      ...allShed,
      holdHead:
        'POST /v1/token HTTP/1.1\r\nHost: broker.bench\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n',
    },
    requests,
  };
}

export default async function overloadBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-overload-'));
  const cleanup: Cleanup = [];
  try {
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`machine load average at start (1, 5, 15 min): ${load.join(', ')}`);
    console.log(
      `\n## overload: ${describePinning()}; open loop on up to ${OPEN_CONNECTIONS} connections, ${DEADLINE_MS} ms deadline, ${RUN_SECONDS} s counted after ${WARM_SECONDS} s`,
    );
    // The servers run on this Node: SO_REUSEPORT (several accepting sockets) needs 22.12+.
    console.log(
      reusePortSupported()
        ? `listening sockets per listener: ${ACCEPTORS} (SO_REUSEPORT, node ${process.version})`
        : `listening sockets per listener: 1 — node ${process.version} has no SO_REUSEPORT for us (22.12+ on Linux): a saturated server takes new connections one per loop turn`,
    );
    // OVERLOAD_BENCH_ONLY=gateway (or broker) runs one of the two.
    const only = process.env.OVERLOAD_BENCH_ONLY;
    for (const [name, servers] of [
      ['gateway (JWT + token cache + Lattice policy)', gatewayServers],
      ['broker (STS proof + STS emulator + RS256 local key)', brokerServers],
    ] as const) {
      if (only !== undefined && !name.startsWith(only)) continue;
      const floorChild = await server(cleanup, 'floor', {});
      const floor = { child: floorChild.child, url: floorChild.line };
      printMeasured(name, await measureServer(await servers(dir, cleanup), floor));
      for (const stop of cleanup.splice(0)) stop();
    }
  } finally {
    for (const stop of cleanup) stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
