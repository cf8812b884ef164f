// Overload shedding for rolegate's servers (broker and gateway), in the manner of
// @fastify/under-pressure and Envoy's overload manager: past its capacity a server answers new
// requests 503 with Retry-After at once — cheaply, before any parsing or crypto — instead of
// queueing them until every caller times out. Three signals, each checked per request by reading
// a number (no clock read, no allocation):
//
// - requests in flight (a hard bound: beyond `maxInFlight`, every new request is shed; this also
//   bounds the memory requests hold);
// - event-loop delay (a CPU-saturated loop runs late: a timer samples how late, and a controller
//   sheds the share of new requests that brings the delay back to `maxEventLoopDelayMs`. A share,
//   not all-or-nothing, because shedding everything for a while leaves the CPU idle and the next
//   burst overloads it again — goodput collapses into oscillation);
// - resident memory (optional: above `maxRssBytes`, every new request is shed until it falls).
//
// @fastify/under-pressure is not used: the gateway is node:http without Fastify, and its delay
// check sheds all requests while the mean delay of the last second is high, which oscillates.

import { performance } from 'node:perf_hooks';

/** Why a request was shed: the label of the servers' shed-request counters. */
export type ShedReason = 'in_flight' | 'event_loop' | 'memory';
export const SHED_REASONS: readonly ShedReason[] = ['in_flight', 'event_loop', 'memory'];

export interface OverloadOptions {
  /** Requests handled at once; a request beyond is shed. 0 = no bound. */
  readonly maxInFlight: number;
  /** Event-loop delay, in ms, above which a growing share of new requests is shed. 0 = off. */
  readonly maxEventLoopDelayMs: number;
  /** Resident set size, in bytes, above which every new request is shed. 0 = off. */
  readonly maxRssBytes: number;
  /** How often the loop delay is sampled; default 10 ms. */
  readonly sampleIntervalMs?: number;
  /** How often a summary of shed requests is reported (while any are shed); default 10 s. */
  readonly reportIntervalMs?: number;
  /** Told, at most once per report interval, what was shed since the last report. */
  readonly onReport?: (report: OverloadReport) => void;
  /**
   * The share of one core the process must have used since the last sample for a late loop to
   * count as its own overload; default 0.75. Below it the process is starved by others (a busy
   * neighbour, a CPU quota) and shedding its requests would not make the loop any faster.
   */
  readonly minCpuShare?: number;
  /** Test seams: the resident set size in bytes; the process' CPU time in µs. */
  readonly rss?: () => number;
  readonly cpuMicros?: () => number;
}

export interface OverloadReport {
  /** Requests shed since the last report, by reason. */
  readonly shed: Readonly<Record<ShedReason, number>>;
  /** The largest event-loop delay sampled since the last report, in ms. */
  readonly maxEventLoopDelayMs: number;
  readonly inFlight: number;
  /** The share of new requests the event-loop controller sheds now, 0 to 1. */
  readonly shedShare: number;
}

// The controller's gains, per sample: over the target the share grows with how far over (capped,
// so one long pause such as a major GC does not shed everything); under it the share falls back
// fast enough that an idle CPU is given work again within a few tens of milliseconds.
const RAISE_GAIN = 0.1;
const MAX_RAISE = 0.3;
const LOWER_GAIN = 0.04;
/** The memory check reads the RSS every this many samples (about once every 100 ms). */
const RSS_EVERY = 10;
/**
 * Below this many requests in flight the loop delay is not the requests' doing (a reload, a GC,
 * a CPU taken by another process): shedding them would not help, so the delay signal sheds
 * nothing. A CPU saturated by requests holds hundreds in flight.
 */
const EVENT_LOOP_MIN_IN_FLIGHT = 8;
/** See OverloadOptions.minCpuShare. */
const MIN_CPU_SHARE = 0.75;

export class OverloadGuard {
  /** Requests admitted and not yet answered. */
  inFlight = 0;
  /** Requests shed since start, by reason (the counters /metrics reads). */
  readonly shed: Record<ShedReason, number> = { in_flight: 0, event_loop: 0, memory: 0 };
  readonly #options: OverloadOptions;
  readonly #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #share = 0;
  /** Error diffusion: each request adds the share, and a whole unit sheds one request. */
  #debt = 0;
  #memoryOver = false;
  #lastSample = 0;
  #lastWasLate = false;
  #lastCpu = 0;
  #samples = 0;
  #lastReport = Number.NEGATIVE_INFINITY;
  #reported: Record<ShedReason, number> = { in_flight: 0, event_loop: 0, memory: 0 };
  #maxDelaySinceReport = 0;

  constructor(options: OverloadOptions) {
    for (const [name, value] of Object.entries({
      maxInFlight: options.maxInFlight,
      maxEventLoopDelayMs: options.maxEventLoopDelayMs,
      maxRssBytes: options.maxRssBytes,
    })) {
      if (!Number.isInteger(value) || value < 0)
        throw new TypeError(`${name} must be an integer ≥ 0`);
    }
    this.#options = options;
    this.#interval = options.sampleIntervalMs ?? 10;
  }

  /** Whether any signal is on (otherwise the servers skip the guard entirely). */
  get enabled(): boolean {
    const o = this.#options;
    return o.maxInFlight > 0 || o.maxEventLoopDelayMs > 0 || o.maxRssBytes > 0;
  }

  /** The share of new requests the event-loop controller sheds now, 0 to 1. */
  get shedShare(): number {
    return this.#share;
  }

  /** Starts sampling (the timer never keeps the process alive). Idempotent. */
  start(): void {
    if (this.#timer !== undefined || !this.enabled) return;
    this.#lastSample = performance.now();
    this.#lastCpu = this.#cpu();
    this.#timer = setInterval(() => this.#sample(), this.#interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#share = 0;
    this.#memoryOver = false;
  }

  /**
   * Admits a request (counted in flight until {@link release}) or says why it is shed. Per-request
   * cost: a few comparisons; the signals are kept current by the sampler.
   */
  admit(): ShedReason | undefined {
    const reason = this.check();
    if (reason === undefined) this.inFlight++;
    return reason;
  }

  /** As {@link admit}, without counting the request in flight (upgrades: long-lived). */
  check(): ShedReason | undefined {
    if (this.#memoryOver) {
      this.shed.memory++;
      return 'memory';
    }
    const max = this.#options.maxInFlight;
    if (max > 0 && this.inFlight >= max) {
      this.shed.in_flight++;
      return 'in_flight';
    }
    if (this.#share > 0 && this.inFlight >= EVENT_LOOP_MIN_IN_FLIGHT) {
      this.#debt += this.#share;
      if (this.#debt >= 1) {
        this.#debt -= 1;
        this.shed.event_loop++;
        return 'event_loop';
      }
    }
    return undefined;
  }

  /** Ends an admitted request; a shared function, so a response listener allocates nothing. */
  readonly release = (): void => {
    this.inFlight--;
  };

  #sample(): void {
    const now = performance.now();
    // How late this tick ran: the time the loop spent on something else past its due time.
    const delay = Math.max(0, now - this.#lastSample - this.#interval);
    const cpu = this.#cpu();
    const cpuShare = (cpu - this.#lastCpu) / 1000 / Math.max(1, now - this.#lastSample);
    this.#lastCpu = cpu;
    this.#lastSample = now;
    if (delay > this.#maxDelaySinceReport) this.#maxDelaySinceReport = delay;
    const target = this.#options.maxEventLoopDelayMs;
    if (target > 0) {
      // Raised only when late twice in a row with the process busy on a core: saturation makes
      // every sample late, while one lone pause (a major GC, a reload compiling policies) is over
      // before shedding could help, and a loop late because other processes hold the CPU would
      // not be helped by shedding at all.
      const error = (delay - target) / target;
      const busy = cpuShare >= (this.#options.minCpuShare ?? MIN_CPU_SHARE);
      const late = error > 0 && busy;
      let step = 0;
      if (late && this.#lastWasLate) step = Math.min(MAX_RAISE, RAISE_GAIN * error);
      else if (error <= 0) step = LOWER_GAIN * error;
      else if (!busy) step = -LOWER_GAIN;
      this.#lastWasLate = late;
      this.#share = Math.min(1, Math.max(0, this.#share + step));
      if (this.#share === 0) this.#debt = 0;
    }
    const maxRss = this.#options.maxRssBytes;
    if (maxRss > 0 && ++this.#samples % RSS_EVERY === 0) {
      this.#memoryOver = (this.#options.rss ?? process.memoryUsage.rss)() > maxRss;
    }
    this.#maybeReport(now);
  }

  #cpu(): number {
    if (this.#options.cpuMicros !== undefined) return this.#options.cpuMicros();
    const { user, system } = process.cpuUsage();
    return user + system;
  }

  #maybeReport(now: number): void {
    const onReport = this.#options.onReport;
    if (onReport === undefined) return;
    const interval = this.#options.reportIntervalMs ?? 10_000;
    if (now - this.#lastReport < interval) return;
    const shed = {
      in_flight: this.shed.in_flight - this.#reported.in_flight,
      event_loop: this.shed.event_loop - this.#reported.event_loop,
      memory: this.shed.memory - this.#reported.memory,
    };
    if (shed.in_flight + shed.event_loop + shed.memory === 0) return;
    this.#lastReport = now;
    this.#reported = { ...this.shed };
    const report = {
      shed,
      maxEventLoopDelayMs: Math.round(this.#maxDelaySinceReport),
      inFlight: this.inFlight,
      shedShare: Math.round(this.#share * 100) / 100,
    };
    this.#maxDelaySinceReport = 0;
    onReport(report);
  }
}
