// Caps how many calls run at once. KMS answers a burst beyond its per-account request quota with
// ThrottlingException; queuing here keeps a login spike from turning into failed logins. The queue
// has a wait deadline: when KMS is slow, callers would otherwise pile up behind it for as long as
// the slowest call, each holding a token request open — past the deadline a waiter gives up with
// SemaphoreTimeout (the signer answers it 503 with Retry-After), and the line stays short.
export class SemaphoreTimeout extends Error {
  override readonly name = 'SemaphoreTimeout';
}

interface Waiter {
  readonly go: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class Semaphore {
  #free: number;
  readonly #waiting: Waiter[] = [];
  readonly #maxWaitMs: number;

  /** `maxWaitMs`: longest wait for a free slot; 0 = no deadline. */
  constructor(limit: number, maxWaitMs = 0) {
    this.#free = limit;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await this.#wait();
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a late arrival cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.go();
      } else this.#free++;
    }
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { go: resolve, timer: undefined };
      if (this.#maxWaitMs > 0) {
        waiter.timer = setTimeout(() => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(new SemaphoreTimeout(`no free slot within ${this.#maxWaitMs} ms`));
        }, this.#maxWaitMs);
      }
      this.#waiting.push(waiter);
    });
  }
}
