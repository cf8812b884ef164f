// A worker's view of the primary's used-proof memory. With several workers, each one remembering
// proofs on its own would let a proof be replayed once per worker: every `seen`/`claim` is asked
// of the one cache the primary holds instead. An answer that does not come in time is an error,
// which the STS login turns into 503 — never into "not seen". A claim carries its account, so the
// primary's one memory keeps the per-account quota for all workers.

import {
  ReplayAccountQuotaError,
  type ReplayCache,
  ReplayCacheFullError,
} from '@rolegate/identity';
import { asPrimaryMessage, TAG, type WorkerMessage } from './messages.ts';

interface Pending {
  resolve(value: boolean): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The account the claim is charged to, for the quota error. */
  account: string | undefined;
}

export class IpcReplayCache implements ReplayCache {
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;
  #closed = false;

  constructor(options: { timeoutMs?: number } = {}) {
    if (typeof process.send !== 'function') {
      throw new Error('IpcReplayCache runs in a gateway worker (a process with an IPC channel)');
    }
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    process.on('message', this.#onMessage);
  }

  seen(key: string): Promise<boolean> {
    return this.#ask('seen', key, 0);
  }

  claim(key: string, expiresAtMs: number, account?: string): Promise<boolean> {
    return this.#ask('claim', key, expiresAtMs, account);
  }

  async close(): Promise<void> {
    this.#closed = true;
    process.off('message', this.#onMessage);
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error('replay cache closed'));
      this.#pending.delete(id);
    }
  }

  #ask(op: 'seen' | 'claim', key: string, expiresAtMs: number, account?: string): Promise<boolean> {
    if (this.#closed) return Promise.reject(new Error('replay cache closed'));
    const id = this.#nextId;
    this.#nextId = id === Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error('the primary did not answer the replay check in time'));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, account });
      const message: WorkerMessage = {
        rolegate: TAG,
        type: 'replay',
        id,
        op,
        key,
        expiresAtMs,
        ...(account === undefined ? {} : { account }),
      };

      process.send!(message, undefined, undefined, (error: Error | null) => {
        if (error === null) return;
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new Error(`the replay check could not reach the primary: ${error.message}`));
      });
    });
  }

  readonly #onMessage = (raw: unknown): void => {
    const message = asPrimaryMessage(raw);
    if (message?.type !== 'replay-result') return;
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return; // timed out already
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error === 'full') pending.reject(new ReplayCacheFullError());
    else if (message.error === 'quota') {
      const wait = message.retryAfterSeconds;
      pending.reject(
        new ReplayAccountQuotaError(
          pending.account ?? 'unknown',
          typeof wait === 'number' && Number.isFinite(wait) ? wait : 1,
        ),
      );
    } else if (message.error !== undefined || typeof message.result !== 'boolean') {
      pending.reject(new Error('the primary could not check the replay cache'));
    } else pending.resolve(message.result);
  };
}
