// Caps how many calls run at once. KMS answers a burst beyond its per-account request quota with
// ThrottlingException; queuing here keeps a login spike from turning into failed logins.
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, so a late arrival cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
