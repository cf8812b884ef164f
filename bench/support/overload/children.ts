// The overload bench's processes: the server under test (gateway or broker), the parties it needs
// (backend, STS emulator), the floor (node:http answering a fixed 503 and nothing else) and the
// load generator, each its own process. This file is also their entry point
// (`--overload-bench-role=…`).
//
// Where the machine has taskset and two cores or more, the server under test gets a core of its
// own (the last) and everything else shares the others: the figures are then a server's, not a
// machine's where the load generator competes with it for the same core.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type LoadPlan, type LoadResult, runLoad } from './raw-load.ts';

const SELF = fileURLToPath(import.meta.url);
const ROLE_FLAG = '--overload-bench-role=';

/** Which CPUs a process runs on: the server under test, or everything else. */
export type Placement = 'server' | 'others';

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CORES = cpus().length;
/** The launcher prefix per placement; empty when the machine cannot pin (all share every core). */
export const PINNING: Readonly<Record<Placement, readonly string[]>> =
  CORES >= 2 && hasTaskset()
    ? {
        server: ['taskset', '-c', String(CORES - 1)],
        others: ['taskset', '-c', CORES === 2 ? '0' : `0-${CORES - 2}`],
      }
    : { server: [], others: [] };

export function describePinning(): string {
  return PINNING.server.length === 0
    ? `${CORES} core(s) shared by every process (no taskset or one core: figures are the machine's)`
    : `the server under test alone on CPU ${PINNING.server[2]}, load generator and the other parties on CPU ${PINNING.others[2]}`;
}

export interface Child {
  readonly child: ChildProcess;
  /** The first line it printed (its URL, or its result). */
  readonly line: string;
}

export async function startChild(
  placement: Placement,
  role: string,
  arg: unknown = {},
): Promise<Child> {
  const argv = [
    ...PINNING[placement],
    process.execPath,
    ...(process.env.OVERLOAD_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    SELF,
    `${ROLE_FLAG}${role}`,
    JSON.stringify(arg),
  ];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  lines.on('line', (l) => nextLines.get(child)?.(l));
  return { child, line };
}

/** Runs the load generator once and returns its result. */
export async function load(plan: LoadPlan): Promise<LoadResult> {
  // Through a file: a broker plan's requests (3,000 proofs) do not fit in a command line.
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-load-'));
  try {
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const { child, line } = await startChild('others', 'load', { file });
    child.kill();
    return JSON.parse(line) as LoadResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Who waits for a child's next stdout line (the CPU time it prints on SIGUSR2). */
const nextLines = new Map<ChildProcess, (line: string) => void>();

/** CPU time (user + system, all threads) a server child has used so far, in ms. */
export function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    nextLines.set(child, (line) => {
      nextLines.delete(child);
      const { user, system } = JSON.parse(line) as NodeJS.CpuUsage;
      resolve((user + system) / 1000);
    });
    child.kill('SIGUSR2');
  });
}

/** Resident memory of a process, now and its high-water mark, in MiB (Linux /proc). */
export function rssOf(pid: number | undefined): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

// ---------------------------------------------------------------- the roles

/** Server children print their CPU time on SIGUSR2. */
function reportCpuOnSignal(): void {
  process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`));
}

async function listenAndPrint(server: ReturnType<typeof createServer>): Promise<void> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  reportCpuOnSignal();
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

/** The gateway's upstream when nginx is not installed. */
async function runBackend(): Promise<void> {
  const body = JSON.stringify({ invoices: [{ id: 7, total: '12.50', currency: 'EUR' }] });
  await listenAndPrint(
    createServer((req, res) => {
      req.resume();
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }),
  );
}

/**
 * The floor of shedding in Node: node:http answering every request with a fixed 503 (headers as a
 * flat list, the body a Buffer) and doing nothing else. No server built on node:http sheds a
 * request for less.
 */
async function runFloor(): Promise<void> {
  const body = Buffer.from('{"error":"temporarily_unavailable"}');
  const headers = [
    'content-type',
    'application/json',
    'retry-after',
    '1',
    'content-length',
    String(body.length),
  ];
  await listenAndPrint(
    createServer((_req, res) => {
      res.writeHead(503, headers);
      res.end(body);
    }),
  );
}

async function runGateway(config: object): Promise<void> {
  const { createGateway, createGatewayLogger, parseGatewayConfig } = await import(
    '@rolegate/gateway'
  );
  const pino = (await import('pino')).default;
  // The access log is on, as in production, written to /dev/null without blocking.
  const logger = createGatewayLogger(
    'info',
    pino.destination({ dest: process.env.GW_LOG ?? '/dev/null', sync: false }),
  );
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

async function runBroker(args: { stsUrl: string; stateDir: string; limits: object }) {
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
    // A replay cache that accepts every proof, so a pool made beforehand can be sent again and
    // again (a real memory cache's claim is one Map insert).
    { replayCache: { seen: async () => false, claim: async () => true, close: async () => {} } },
  );
  const url = await broker.listen(0);
  reportCpuOnSignal();
  process.stdout.write(`${JSON.stringify({ url, loginAudience: broker.loginAudience })}\n`);
}

async function runLoadRole({ file }: { file: string }): Promise<void> {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as LoadPlan;
  process.stdout.write(`${JSON.stringify(await runLoad(plan))}\n`);
}

const role = process.argv.find((a) => a.startsWith(ROLE_FLAG))?.slice(ROLE_FLAG.length);
if (role !== undefined) {
  const arg = JSON.parse(process.argv[process.argv.indexOf(`${ROLE_FLAG}${role}`) + 1] ?? '{}');
  const roles: Record<string, () => Promise<void>> = {
    backend: runBackend,
    floor: runFloor,
    gateway: () => runGateway(arg),
    sts: () => runSts(arg),
    broker: () => runBroker(arg),
    load: () => runLoadRole(arg),
  };
  await roles[role]!();
}
