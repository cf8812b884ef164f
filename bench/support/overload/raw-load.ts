// The overload bench's load generator, on raw sockets. Offering 4x a server's peak takes a
// generator much cheaper per request than the server: undici spends about as much CPU on a request
// as the gateway does, so on a small machine it fell behind its own schedule (latencies of 10 s
// behind a 2 s deadline) and never offered 2x. This one writes ready-made request bytes and reads
// just enough of each answer to know its status, whether a 503 carried Retry-After, and where it
// ends (Content-Length, or the last chunk of a chunked body — a bench shortcut: a body holding
// "\r\n0\r\n\r\n" would end early). One request at a time per connection, HTTP/1.1 keep-alive.
//
// Two modes:
// - closed: `connections` callers, each sending its next request when the last is answered (the
//   peak a server serves);
// - open: request i is due at start + i/rate whatever the answers (wrk2's model: independent
//   callers). It goes on an idle connection, or a new one up to `maxConnections`, or waits for one;
//   its latency counts from when it was due, so a queue on either side is not hidden. A request
//   still unsent at its deadline is a timeout; so is one unanswered `deadlineMs` after it was sent.

import { connect, type Socket } from 'node:net';

export type LoadMode =
  | { readonly kind: 'closed'; readonly connections: number }
  | { readonly kind: 'open'; readonly rate: number; readonly maxConnections: number };

export interface LoadPlan {
  readonly host: string;
  readonly port: number;
  /** Whole requests, head and body: request i sends `requests[i % length]`. */
  readonly requests: readonly string[];
  readonly mode: LoadMode;
  /** Sent, not counted. */
  readonly warmSeconds: number;
  readonly seconds: number;
  readonly deadlineMs: number;
}

export interface LoadResult {
  /** Requests counted (after the warm-up). */
  readonly counted: number;
  /** Requests per second really sent (the generator may fall behind the schedule). */
  readonly sentPerSecond: number;
  readonly okPerSecond: number;
  /** Share of the counted requests answered 503 with Retry-After. */
  readonly shedShare: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly shedP99Ms: number;
  /** How late the generator itself sent (p99, ms): large means it was starved too. */
  readonly sendLagP99Ms: number;
  /** Requests not answered within the deadline from when they were due (sent or not). */
  readonly timeouts: number;
  /**
   * Requests on a new connection the server closed unanswered: refused at accept (the gateway's
   * and the broker's connection gate while saturated), a fast failure the caller can act on.
   */
  readonly refused: number;
  /** Connections reset after answering before, and other socket errors. */
  readonly otherErrors: number;
  /** Statuses other than 2xx and 503 + Retry-After (a 503 without it is counted here as "503-"). */
  readonly otherStatuses: Readonly<Record<string, number>>;
  readonly connectionsOpened: number;
  /** Answers of any kind, the warm-up's included (what the server did over the whole run). */
  readonly answered: number;
}

interface Pending {
  readonly index: number;
  /** When it was due (performance.now()); closed loop: when it was sent. */
  readonly due: number;
}

interface Answer {
  readonly status: number;
  readonly retryAfter: boolean;
  readonly close: boolean;
  /** Bytes the answer took. */
  readonly end: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');
const EMPTY_CHUNKED = Buffer.from('0\r\n\r\n');
/** A header's line start in the spellings servers use (node:http keeps the app's, nginx capitalises). */
const spellings = (name: string) =>
  [
    ...new Set([
      name,
      name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase()),
    ]),
  ].map((n) => Buffer.from(`\r\n${n}:`));
const CONTENT_LENGTH = spellings('content-length');
const RETRY_AFTER = spellings('retry-after');
const TRANSFER_ENCODING = spellings('transfer-encoding');
const CONNECTION_CLOSE = [
  ...spellings('connection').map((b) => Buffer.concat([b, Buffer.from(' close')])),
  ...spellings('connection').map((b) => Buffer.concat([b, Buffer.from(' Close')])),
];

/** Where one of `needles` starts in bytes[from, to), or -1. */
function find(bytes: Buffer, needles: readonly Buffer[], from: number, to: number): number {
  for (const needle of needles) {
    const at = bytes.indexOf(needle, from);
    if (at >= 0 && at < to) return at;
  }
  return -1;
}

/**
 * The answer at the start of `bytes`, or undefined while it is incomplete. Reads bytes, not text:
 * this runs once per answer, tens of thousands of times a second.
 */
export function readAnswer(bytes: Buffer): Answer | undefined {
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  // "HTTP/1.1 503 …": three ASCII digits at 9.
  const status = (bytes[9]! - 48) * 100 + (bytes[10]! - 48) * 10 + (bytes[11]! - 48);
  const bodyStart = headEnd + 4;
  const retryAfter = find(bytes, RETRY_AFTER, 0, headEnd) >= 0;
  const close = find(bytes, CONNECTION_CLOSE, 0, headEnd) >= 0;
  let end = bodyStart;
  const lengthAt = find(bytes, CONTENT_LENGTH, 0, headEnd);
  if (lengthAt >= 0) {
    let i = lengthAt + 17; // past "\r\ncontent-length:"
    while (bytes[i] === 32) i++;
    let length = 0;
    for (let digit = bytes[i]!; digit >= 48 && digit <= 57; digit = bytes[++i]!)
      length = length * 10 + digit - 48;
    end = bodyStart + length;
  } else if (find(bytes, TRANSFER_ENCODING, 0, headEnd) >= 0) {
    // Chunked (the only transfer coding servers send here).
    if (bytes.indexOf(EMPTY_CHUNKED, bodyStart) === bodyStart) end = bodyStart + 5;
    else {
      const last = bytes.indexOf(LAST_CHUNK, bodyStart);
      if (last < 0) return undefined;
      end = last + LAST_CHUNK.length;
    }
  }
  if (bytes.length < end) return undefined;
  return { status, retryAfter, close, end };
}

class Connection {
  readonly socket: Socket;
  open = false;
  /** Whether it ever connected (a refused connection never did). */
  everOpen = false;
  /** Answers read on it so far. */
  answers = 0;
  dead = false;
  current: Pending | undefined;
  #buffered: Buffer | undefined;

  constructor(host: string, port: number, deadlineMs: number, onEvent: ConnectionEvents) {
    this.socket = connect({ host, port, noDelay: true });
    // Idle timer, re-armed by every read and write: while a request waits, it is its deadline.
    this.socket.setTimeout(deadlineMs);
    this.socket.on('connect', () => {
      this.open = true;
      this.everOpen = true;
      onEvent.ready(this);
    });
    this.socket.on('data', (chunk: Buffer) => {
      let bytes = this.#buffered === undefined ? chunk : Buffer.concat([this.#buffered, chunk]);
      const answer = readAnswer(bytes);
      if (answer === undefined) {
        this.#buffered = bytes;
        return;
      }
      bytes = bytes.subarray(answer.end);
      this.#buffered = bytes.length > 0 ? bytes : undefined;
      const pending = this.current;
      this.current = undefined;
      this.answers++;
      if (answer.close) this.dead = true;
      if (pending !== undefined) onEvent.answered(this, pending, answer);
    });
    this.socket.on('timeout', () => {
      if (this.current === undefined) return;
      const pending = this.current;
      this.current = undefined;
      this.dead = true;
      this.socket.destroy();
      onEvent.failed(this, pending, 'timeout');
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.dead = true;
      this.open = false;
      const pending = this.current;
      this.current = undefined;
      onEvent.closed(this, pending);
    });
  }

  send(pending: Pending, bytes: Buffer): void {
    this.current = pending;
    this.socket.write(bytes);
  }
}

interface ConnectionEvents {
  ready(connection: Connection): void;
  answered(connection: Connection, pending: Pending, answer: Answer): void;
  failed(connection: Connection, pending: Pending, why: 'timeout'): void;
  /** The connection closed; `pending` is the request it carried, if any. */
  closed(connection: Connection, pending: Pending | undefined): void;
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return plan.mode.kind === 'open' ? runOpen(plan, plan.mode) : runClosed(plan, plan.mode);
}

/** What is counted, shared by both modes. */
class Tally {
  readonly served: number[] = [];
  readonly shed: number[] = [];
  readonly lags: number[] = [];
  timeouts = 0;
  refused = 0;
  otherErrors = 0;
  readonly otherStatuses: Record<string, number> = {};
  connectionsOpened = 0;
  answered = 0;

  constructor(private readonly deadlineMs: number) {}

  answer(pending: Pending, answer: Answer, counted: boolean): void {
    this.answered++;
    if (!counted) return;
    const latency = performance.now() - pending.due;
    // Past its deadline the caller has given up, whatever the answer: a request that waited for a
    // connection and then for the server counts from when it was due.
    if (latency > this.deadlineMs) this.timeouts++;
    else if (answer.status >= 200 && answer.status < 300) this.served.push(latency);
    else if (answer.status === 503 && answer.retryAfter) this.shed.push(latency);
    else {
      const key = answer.status === 503 ? '503-' : String(answer.status);
      this.otherStatuses[key] = (this.otherStatuses[key] ?? 0) + 1;
    }
  }

  /** A request whose connection closed before its answer. */
  closedUnanswered(connection: Connection): void {
    if (connection.answers === 0) this.refused++;
    else this.otherErrors++;
  }

  /** Counted requests with an outcome so far. */
  outcomes(): number {
    let other = 0;
    for (const n of Object.values(this.otherStatuses)) other += n;
    return (
      this.served.length +
      this.shed.length +
      this.timeouts +
      this.refused +
      this.otherErrors +
      other
    );
  }

  result(counted: number, seconds: number): LoadResult {
    const sorted = (values: number[]) => Float64Array.from(values).sort();
    const served = sorted(this.served);
    return {
      counted,
      sentPerSecond: counted / seconds,
      okPerSecond: this.served.length / seconds,
      shedShare: counted === 0 ? 0 : this.shed.length / counted,
      p50Ms: quantile(served, 0.5),
      p99Ms: quantile(served, 0.99),
      shedP99Ms: quantile(sorted(this.shed), 0.99),
      sendLagP99Ms: quantile(sorted(this.lags), 0.99),
      timeouts: this.timeouts,
      refused: this.refused,
      otherErrors: this.otherErrors,
      otherStatuses: this.otherStatuses,
      connectionsOpened: this.connectionsOpened,
      answered: this.answered,
    };
  }
}

function runOpen(plan: LoadPlan, mode: Extract<LoadMode, { kind: 'open' }>): Promise<LoadResult> {
  const { rate } = mode;
  const requests = plan.requests.map((r) => Buffer.from(r, 'latin1'));
  const warm = Math.floor(rate * plan.warmSeconds);
  const total = warm + Math.floor(rate * plan.seconds);
  const tally = new Tally(plan.deadlineMs);
  const idle: Connection[] = [];
  // Requests due with no connection free, oldest first (`waitingHead` is the next to go).
  const waiting: Pending[] = [];
  let waitingHead = 0;
  let live = 0;
  /** Connections opened and not yet connected: each will take a waiting request. */
  let connecting = 0;
  let sent = 0;
  let settled = 0;
  let firstCounted = 0;
  let lastCounted = 0;
  const start = performance.now() + 20;

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(sweeper);
      clearTimeout(hardStop);
      // Requests still unanswered at the hard stop (a server that stopped answering) time out.
      tally.timeouts += Math.max(0, total - warm - tally.outcomes());
      const seconds = Math.max(plan.seconds, (lastCounted - firstCounted) / 1000);
      for (const c of idle) c.socket.destroy();
      resolve(tally.result(total - warm, seconds));
    };
    const settle = () => {
      if (++settled === total) finish();
    };
    /** Drops the waiting requests already past their deadline: timeouts, never sent. */
    const expireWaiting = () => {
      const now = performance.now();
      while (waitingHead < waiting.length && now - waiting[waitingHead]!.due > plan.deadlineMs) {
        if (waiting[waitingHead++]!.index >= warm) tally.timeouts++;
        settle();
      }
      if (waitingHead > 4096 && waitingHead * 2 > waiting.length) {
        waiting.splice(0, waitingHead);
        waitingHead = 0;
      }
    };
    const sweeper = setInterval(expireWaiting, 100);
    const hardStop = setTimeout(
      finish,
      (plan.warmSeconds + plan.seconds) * 1000 + 2 * plan.deadlineMs + 5000,
    );
    const dispatch = (connection: Connection) => {
      expireWaiting();
      if (waitingHead < waiting.length) {
        const next = waiting[waitingHead++]!;
        connection.send(next, requests[next.index % requests.length]!);
        return;
      }
      idle.push(connection);
    };
    /** Opens a connection when the waiting requests outnumber those about to connect. */
    const openIfNeeded = () => {
      if (!finished && waiting.length - waitingHead > connecting && live < mode.maxConnections)
        open();
    };
    const events: ConnectionEvents = {
      ready(connection) {
        connecting--;
        dispatch(connection);
      },
      answered(connection, pending, answer) {
        tally.answer(pending, answer, pending.index >= warm);
        settle();
        if (!connection.dead) dispatch(connection);
      },
      failed(_connection, pending) {
        if (pending.index >= warm) tally.timeouts++;
        settle();
      },
      closed(connection, pending) {
        live--;
        if (!connection.open && !connection.everOpen) connecting--;
        const at = idle.indexOf(connection);
        if (at >= 0) idle.splice(at, 1);
        if (pending !== undefined) {
          if (pending.index >= warm) tally.closedUnanswered(connection);
          settle();
        }
        openIfNeeded();
      },
    };
    const open = () => {
      live++;
      connecting++;
      tally.connectionsOpened++;
      new Connection(plan.host, plan.port, plan.deadlineMs, events);
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      while (sent < due) {
        const index = sent++;
        if (index === warm) firstCounted = now;
        lastCounted = now;
        const pending = { index, due: start + (index * 1000) / rate };
        if (index >= warm) tally.lags.push(now - pending.due);
        let connection = idle.pop();
        while (connection?.dead) connection = idle.pop();
        if (connection !== undefined) {
          connection.send(pending, requests[index % requests.length]!);
          continue;
        }
        waiting.push(pending);
        openIfNeeded();
      }
      // A timer, not setImmediate: a spinning generator would take CPU from the others.
      if (sent < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 20);
  });
}

function runClosed(
  plan: LoadPlan,
  mode: Extract<LoadMode, { kind: 'closed' }>,
): Promise<LoadResult> {
  const tally = new Tally(plan.deadlineMs);
  const requests = plan.requests.map((r) => Buffer.from(r, 'latin1'));
  const started = performance.now();
  const countFrom = started + plan.warmSeconds * 1000;
  const until = countFrom + plan.seconds * 1000;
  let next = 0;
  let counted = 0;
  let live = 0;
  return new Promise((resolve) => {
    const sendNext = (connection: Connection) => {
      if (performance.now() >= until) {
        connection.socket.destroy();
        return;
      }
      const index = next++;
      connection.send({ index, due: performance.now() }, requests[index % requests.length]!);
    };
    const counts = () => performance.now() >= countFrom;
    const events: ConnectionEvents = {
      ready: sendNext,
      answered(connection, pending, answer) {
        if (counts()) counted++;
        tally.answer(pending, answer, counts());
        // A connection the server closes is replaced when its `close` comes.
        if (!connection.dead) sendNext(connection);
      },
      failed(_connection, _pending) {
        if (counts()) tally.timeouts++;
      },
      closed(connection, pending) {
        live--;
        if (pending !== undefined && counts()) tally.closedUnanswered(connection);
        if (performance.now() < until) open();
        else if (live === 0) resolve(tally.result(counted, plan.seconds));
      },
    };
    const open = () => {
      live++;
      tally.connectionsOpened++;
      new Connection(plan.host, plan.port, plan.deadlineMs, events);
    };
    for (let i = 0; i < mode.connections; i++) open();
  });
}
