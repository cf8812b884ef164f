// One party of the soak: a process the runner can start, signal, kill and start again with the
// same arguments (same port), which is what the crash faults need. The resource sampler reads
// `pid` each time, so a restarted party is followed under its new pid.
import { type Child, type SpawnOptions, spawnChild, stopChild } from '../lib/children.ts';

export class Party {
  readonly name: string;
  readonly #options: SpawnOptions;
  #child: Child | undefined;
  /** What the party printed when it was ready, the last time it started. */
  ready: unknown;

  constructor(name: string, options: SpawnOptions) {
    this.name = name;
    this.#options = { readyLine: true, ...options };
    this.ready = undefined;
  }

  get child(): Child | undefined {
    return this.#child;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const { child, ready } = await spawnChild(this.name, this.#options);
    this.#child = child;
    this.ready = ready;
  }

  signal(signal: NodeJS.Signals): void {
    this.#child?.process.kill(signal);
  }

  /** A crash: SIGKILL, nothing flushed, then wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.process.kill('SIGCONT');
    child.process.kill('SIGKILL');
    await child.exited;
    this.#child = undefined;
  }

  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child);
    this.#child = undefined;
  }

  /** Sends an IPC message and waits for `{id}` back (the emulators acknowledge fault changes). */
  async control(message: Record<string, unknown>): Promise<void> {
    const proc = this.#child?.process;
    if (!proc?.send) throw new Error(`${this.name}: no IPC channel`);
    const id = Math.floor(Math.random() * 2 ** 31);
    await new Promise<void>((resolve, reject) => {
      // Generous: making an RSA key in a busy emulator can take seconds on a starved machine.
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ack for ${id}`)), 60_000);
      const onMessage = (reply: { id?: number; error?: string }) => {
        if (reply?.id !== id) return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        if (reply.error) reject(new Error(`${this.name}: ${reply.error}`));
        else resolve();
      };
      proc.on('message', onMessage);
      proc.send!({ ...message, id });
    });
  }
}

/** Waits until `url` answers 200 (a restarted server is ready), at most `timeoutMs`. */
export async function waitFor200(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
