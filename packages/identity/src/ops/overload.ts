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
// - a queue bound (`maxQueueMs`): while the event loop is saturated, requests in flight are held
//   to what the server completes in that time at its capacity (Little's law: in flight =
//   throughput × time in the server), so a request admitted waits about that long, not until its
//   caller has given up. It takes over where the delay signal is blind: a saturated server with
//   thousands of connections runs many short loop turns (delay a few ms, measured) while each
//   request waits behind all the others. The capacity is the highest completion rate seen lately
//   (it decays with a 30 s half-life), not the current one: under a flood, shedding itself takes
//   CPU, the current rate falls, and a bound following it would shrink until nothing is served.
//   A closed loop at capacity (a benchmark's 64 connections) stays far below the bound and is
//   never shed;
// - resident memory (optional: above `maxRssBytes`, every new request is shed until it falls).
//
// @fastify/under-pressure is not used: the gateway is node:http without Fastify, and its delay
// check sheds all requests while the mean delay of the last second is high, which oscillates.

import { type EventLoopUtilization, performance } from 'node:perf_hooks';

/** Why a request was shed: the label of the servers' shed-request counters. */
export type ShedReason = 'in_flight' | 'queue' | 'event_loop' | 'memory';
export const SHED_REASONS: readonly ShedReason[] = ['in_flight', 'queue', 'event_loop', 'memory'];

export interface OverloadOptions {
  /** Requests handled at once; a request beyond is shed. 0 = no bound. */
  readonly maxInFlight: number;
  /** Event-loop delay, in ms, above which a growing share of new requests is shed. 0 = off. */
  readonly maxEventLoopDelayMs: number;
  /** Resident set size, in bytes, above which every new request is shed. 0 = off. */
  readonly maxRssBytes: number;
  /**
   * While the event loop is saturated, requests in flight are bounded to what the server completes
   * in this many milliseconds at its capacity (Little's law); new ones beyond are shed. 0 (the
   * default) = off.
   */
  readonly maxQueueMs?: number;
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
  /**
   * Test seams: the resident set size in bytes; the process' CPU time in µs; the event loop's
   * utilisation (0 to 1) since the last call.
   */
  readonly rss?: () => number;
  readonly cpuMicros?: () => number;
  readonly utilisation?: () => number;
}

export interface OverloadReport {
  /** Requests shed since the last report, by reason. */
  readonly shed: Readonly<Record<ShedReason, number>>;
  /** The largest event-loop delay sampled since the last report, in ms. */
  readonly maxEventLoopDelayMs: number;
  readonly inFlight: number;
  /** The share of new requests the event-loop controller sheds now, 0 to 1. */
  readonly shedShare: number;
  /** Requests in flight from which new ones are shed as `queue`; absent while not saturated. */
  readonly queueBound?: number;
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
/** Per sample, the weight of the newest completion rate and loop utilisation (~50 ms memory). */
const QUEUE_SMOOTHING = 0.2;
/** The remembered capacity halves in this long without a rate as high (a deploy, a slower host). */
const CAPACITY_HALF_LIFE_MS = 30_000;
/** Event-loop utilisation (smoothed) from which the loop counts as saturated. */
const SATURATED_UTILISATION = 0.9;
/** The queue bound never goes below this many requests (a server just started knows no rate). */
const MIN_QUEUE_BOUND = 16;
/** See OverloadOptions.minCpuShare. */
const MIN_CPU_SHARE = 0.75;

export class OverloadGuard {
  /** Requests admitted and not yet answered. */
  inFlight = 0;
  /** Requests shed since start, by reason (the counters /metrics reads). */
  readonly shed: Record<ShedReason, number> = { in_flight: 0, queue: 0, event_loop: 0, memory: 0 };
  /** Requests completed since start (the throughput the queue bound is computed from). */
  #completed = 0;
  #completedAtSample = 0;
  /** Completions per ms, smoothed; the highest lately (decaying); the loop's utilisation, smoothed. */
  #rate = 0;
  #capacity = 0;
  #utilisation = 0;
  #lastElu: EventLoopUtilization | undefined;
  /** Requests in flight from which new ones are shed: Infinity while the loop is not saturated. */
  #queueBound = Number.POSITIVE_INFINITY;
  readonly #options: OverloadOptions;
  readonly #interval: number;
  #timer: NodeJS.Timeout | undefined;
  #share = 0;
  /** Error diffusion: each request adds the share, and a whole unit sheds one request. */
  #debt = 0;
  #memoryOver = false;
  #lastSample = 0;
  #lastQueueSample = 0;
  #lastWasLate = false;
  #lastCpu = 0;
  #samples = 0;
  #lastReport = Number.NEGATIVE_INFINITY;
  #reported: Record<ShedReason, number> = { in_flight: 0, queue: 0, event_loop: 0, memory: 0 };
  #maxDelaySinceReport = 0;

  constructor(options: OverloadOptions) {
    for (const [name, value] of Object.entries({
      maxInFlight: options.maxInFlight,
      maxEventLoopDelayMs: options.maxEventLoopDelayMs,
      maxRssBytes: options.maxRssBytes,
      maxQueueMs: options.maxQueueMs ?? 0,
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
    return (
      o.maxInFlight > 0 || o.maxEventLoopDelayMs > 0 || o.maxRssBytes > 0 || (o.maxQueueMs ?? 0) > 0
    );
  }

  /** The share of new requests the event-loop controller sheds now, 0 to 1. */
  get shedShare(): number {
    return this.#share;
  }

  /** Requests in flight from which new ones are shed as `queue` now (Infinity: not saturated). */
  get queueBound(): number {
    return this.#queueBound;
  }

  /** Starts sampling (the timer never keeps the process alive). Idempotent. */
  start(): void {
    if (this.#timer !== undefined || !this.enabled) return;
    this.#lastSample = performance.now();
    this.#lastQueueSample = this.#lastSample;
    this.#lastCpu = this.#cpu();
    this.#timer = setInterval(() => this.#sample(), this.#interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#share = 0;
    this.#memoryOver = false;
    this.#queueBound = Number.POSITIVE_INFINITY;
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
    if (this.inFlight >= this.#queueBound) {
      this.shed.queue++;
      return 'queue';
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
    this.#completed++;
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
    this.#boundQueue(now);
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

  /** Recomputes the queue bound from the completions and the loop's utilisation since the last sample. */
  #boundQueue(now: number): void {
    const maxQueueMs = this.#options.maxQueueMs ?? 0;
    if (maxQueueMs <= 0) return;
    const elapsed = Math.max(1, now - this.#lastQueueSample);
    this.#lastQueueSample = now;
    const completed = this.#completed - this.#completedAtSample;
    this.#completedAtSample = this.#completed;
    this.#rate += QUEUE_SMOOTHING * (completed / elapsed - this.#rate);
    const decay = 2 ** (-elapsed / CAPACITY_HALF_LIFE_MS);
    this.#capacity = Math.max(this.#capacity * decay, this.#rate);
    this.#utilisation += QUEUE_SMOOTHING * (this.#loopUtilisation() - this.#utilisation);
    this.#queueBound =
      this.#utilisation >= SATURATED_UTILISATION
        ? Math.max(MIN_QUEUE_BOUND, Math.ceil(this.#capacity * maxQueueMs))
        : Number.POSITIVE_INFINITY;
  }

  #loopUtilisation(): number {
    if (this.#options.utilisation !== undefined) return this.#options.utilisation();
    const elu = performance.eventLoopUtilization();
    const last = this.#lastElu;
    this.#lastElu = elu;
    return last === undefined ? 0 : performance.eventLoopUtilization(elu, last).utilization;
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
      queue: this.shed.queue - this.#reported.queue,
      event_loop: this.shed.event_loop - this.#reported.event_loop,
      memory: this.shed.memory - this.#reported.memory,
    };
    if (shed.in_flight + shed.queue + shed.event_loop + shed.memory === 0) return;
    this.#lastReport = now;
    this.#reported = { ...this.shed };
    const report = {
      shed,
      maxEventLoopDelayMs: Math.round(this.#maxDelaySinceReport),
      inFlight: this.inFlight,
      shedShare: Math.round(this.#share * 100) / 100,
      ...(Number.isFinite(this.#queueBound) ? { queueBound: this.#queueBound } : {}),
    };
    this.#maxDelaySinceReport = 0;
    onReport(report);
  }
}
