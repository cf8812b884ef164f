// Statements of one policy often repeat the same element (`"Action": "vpc-lattice-svcs:Invoke"`
// in every statement, one IP guard in several): each distinct element or condition gets an id at
// load, and its result is computed at most once per request. Results live in typed arrays stamped
// with the request's serial number, so remembering them allocates nothing per request.

import type { RequestEnv } from './env.ts';

export type Test = (env: RequestEnv) => boolean;

export class MemoTable {
  private readonly tests: Test[] = [];
  private readonly ids = new Map<string, number>();
  private stamps = new Int32Array(0);
  private results = new Uint8Array(0);

  /** Registers a test under a key describing it completely; equal keys share one id. */
  register(key: string, test: Test): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.tests.length;
    this.tests.push(test);
    this.ids.set(key, id);
    return id;
  }

  /** Call once every test is registered. */
  seal(): void {
    this.stamps = new Int32Array(this.tests.length);
    this.results = new Uint8Array(this.tests.length);
  }

  check(id: number, env: RequestEnv): boolean {
    const serial = env.serial;
    if (this.stamps[id] === serial) return this.results[id] === 1;
    const r = this.tests[id]!(env);
    this.stamps[id] = serial;
    this.results[id] = r ? 1 : 0;
    return r;
  }
}
