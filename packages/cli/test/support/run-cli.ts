// Runs the `rolegate` command from its sources (through tsx, as the tests run), with a bounded
// time. The built and installed binary is exercised by the pack-and-install smoke test.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
/** Node arguments that run {@link BIN}: tsx compiles the sources on load. */
export const NODE_ARGS = ['--import', 'tsx'];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...NODE_ARGS, BIN, ...args],
      { env: options.env ?? cleanEnv(), cwd: options.cwd, timeout: options.timeoutMs ?? 30_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: unknown }).code as number | null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

/** The token cache of the CLIs a test process runs: its own, never the user's ~/.cache. */
const TEST_CACHE_HOME = mkdtempSync(join(tmpdir(), 'rolegate-test-cache-'));
process.once('exit', () => rmSync(TEST_CACHE_HOME, { recursive: true, force: true }));

/** The environment without any AWS or rolegate settings of the machine running the tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('AWS_') && !k.startsWith('ROLEGATE_')) env[k] = v;
  }
  // Keep the SDK's chain from reaching for instance metadata or real profiles.
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    XDG_CACHE_HOME: TEST_CACHE_HOME,
    ...extra,
  };
}

// A test file the runner stops (a timeout) never reaches its `after` hooks: the `rolegate dev`
// processes it started would keep running, with their ports and sockets, after the suite. They
// are killed when this process exits or is told to stop.
const started = new Set<ChildProcess>();
const killStarted = () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
};
process.once('exit', killStarted);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killStarted();
    process.exit(128 + (signal === 'SIGTERM' ? 15 : 2));
  });
}

/** Starts `rolegate dev` and waits (bounded) until its dev.json appears and its broker answers. */
export async function startDevProcess(stateDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, BIN, 'dev', '--port', '0', '--state-dir', stateDir],
    {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rolegate dev exited: ${output}`);
    if (output.includes('Press Ctrl-C') && existsSync(join(stateDir, 'dev.json'))) {
      const { adminUrl } = JSON.parse(readFileSync(join(stateDir, 'dev.json'), 'utf8')).broker;
      if ((await fetch(`${adminUrl}/readyz`).catch(() => undefined))?.ok) return child;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`rolegate dev did not start: ${output}`);
}

export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
