// Starting the bench's parties as child processes and talking to them line by line.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROLES = fileURLToPath(new URL('./roles.ts', import.meta.url));

export interface Party {
  readonly child: ChildProcess;
  /** The first line the child printed (a server's URL). */
  readonly line: string;
  /** The child's next line of output. */
  next(): Promise<string>;
  /** Writes a line to the child's stdin. */
  send(line: string): void;
  /** The child's CPU time so far, in µs (servers only). */
  cpuMicros(): Promise<number>;
}

/** Starts `roles.ts <role> <arg>` under `runtime` (a node binary) and waits for its first line. */
export async function startParty(
  role: string,
  arg = '{}',
  runtime = process.execPath,
): Promise<Party> {
  const child = spawn(runtime, ['--import', 'tsx', ROLES, role, arg], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((line: string) => void)[] = [];
  const buffered: string[] = [];
  let exited: Error | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const take = waiting.shift();
    if (take === undefined) buffered.push(line);
    else take(line);
  });
  const failures: ((error: Error) => void)[] = [];
  child.once('exit', (code, signal) => {
    exited = new Error(`${role} exited (${code ?? signal})`);
    for (const fail of failures) fail(exited);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = buffered.shift();
      if (line !== undefined) return resolve(line);
      if (exited !== undefined) return reject(exited);
      waiting.push(resolve);
      failures.push(reject);
    });
  const send = (line: string) => child.stdin!.write(`${line}\n`);
  const line = await next();
  return {
    child,
    line,
    next,
    send,
    async cpuMicros() {
      send('cpu');
      return (JSON.parse(await next()) as { cpuMicros: number }).cpuMicros;
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once `url` answers anything (a server still starting refuses the connection). */
export async function waitUntilAnswering(url: string, host: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(url, { headers: { host } });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer`);
}
