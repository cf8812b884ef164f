// Every party of the soak is a child process of the runner. This module owns them all: it spawns,
// reads each child's first stdout line (the JSON the party prints once it listens), and kills
// every child still alive when the runner ends — normally, on a failure, or on Ctrl-C — so a soak
// never leaves a gateway or a redis-server behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('../..', import.meta.url).pathname;
/** The built CLI, as an operator runs it (the soak tests what ships: `npm run build` first). */
export const ROLEGATE_BIN = join(ROOT, 'packages/cli/bin/rolegate.js');

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (with its code or signal). */
  readonly exited: Promise<string>;
}

const live = new Set<Child>();
let logDir: string | undefined;

/** Where each child's stdout/stderr go (one file per child, appended across restarts). */
export function setLogDir(dir: string): void {
  logDir = dir;
}

export interface SpawnOptions {
  readonly args: readonly string[];
  readonly command?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Wait for the first stdout line and parse it as JSON (parties print their URLs there). */
  readonly readyLine?: boolean;
  readonly readyTimeoutMs?: number;
}

/** Spawns `node --import tsx <script>` (or `command`), tracked until it exits. */
export async function spawnChild(
  name: string,
  options: SpawnOptions,
): Promise<{ child: Child; ready: unknown }> {
  const command = options.command ?? process.execPath;
  const proc = spawn(command, [...options.args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', ...(command === process.execPath ? ['ipc' as const] : [])],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
      ...options.env,
    },
  });
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  const log: WriteStream | undefined = logDir
    ? createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })
    : undefined;
  proc.stderr!.on('data', (chunk: Buffer) => log?.write(chunk));
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      live.delete(child);
      log?.end();
      resolve(signal ?? String(code));
    });
  });
  const child: Child = { name, process: proc, pid: proc.pid, exited };
  live.add(child);
  const lines = createInterface({ input: proc.stdout! });
  let first: Promise<string> | undefined;
  if (options.readyLine) {
    first = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${name}: not ready within ${options.readyTimeoutMs ?? 120_000} ms`)),
        options.readyTimeoutMs ?? 120_000,
      );
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${how}) before it was ready; see its log`));
      });
    });
  }
  lines.on('line', (line) => log?.write(`${line}\n`));
  if (!first) return { child, ready: undefined };
  try {
    return { child, ready: JSON.parse(await first) as unknown };
  } catch (error) {
    proc.kill('SIGKILL');
    throw error;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: Child, graceMs = 5_000): Promise<void> {
  if (!live.has(child)) return;
  child.process.kill('SIGCONT'); // a stopped process cannot handle SIGTERM
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Ends every child still running (SIGKILL after a short grace). */
export async function stopAll(graceMs = 3_000): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c, graceMs)));
}

/** Synchronous last resort for process exit: nothing may outlive the runner. */
export function killAllNow(): void {
  for (const child of live) {
    child.process.kill('SIGCONT');
    child.process.kill('SIGKILL');
  }
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `node --import tsx <soak script>` arguments. */
export function tsxArgs(script: string, ...args: string[]): string[] {
  return ['--import', 'tsx', join(ROOT, 'soak', script), ...args];
}
