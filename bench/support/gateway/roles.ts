// The gateway bench's child processes, one party each: `roles.ts <role> <json-arg>`. Every server
// prints its URL on its first line, then answers `cpu` on stdin with its process.cpuUsage() as a
// JSON line, so the bench can divide a server's own CPU time by the requests it served. The load
// generators print one JSON line of results and exit.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { CONNECTIONS, PATH } from './constants.ts';

async function listen(server: Server): Promise<void> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

/** First line: the URL; then a `cpu` line in gets this process's CPU time (µs) out. */
function announce(url: string): void {
  process.stdout.write(`${url}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
  });
}

async function runBackend(): Promise<void> {
  const body = JSON.stringify({ invoices: [{ id: 7, total: '12.50', currency: 'EUR' }] });
  await listen(
    createServer((req, res) => {
      req.resume();
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    }),
  );
}

async function runGateway(configJson: string): Promise<void> {
  const { createGateway, createGatewayLogger, parseGatewayConfig } = await import(
    '../../../packages/gateway/src/index.ts'
  );
  const pino = (await import('pino')).default;
  // The access log is on, as in production, written to /dev/null without blocking.
  const logger = createGatewayLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const gateway = await createGateway(parseGatewayConfig(JSON.parse(configJson)), { logger });
  await gateway.listen();
  announce(gateway.url);
}

/**
 * The floor for any Node proxy: node:http in, an undici Pool out, bodies streamed, no credential,
 * no policy, no header work beyond dropping hop-by-hop ones. What the gateway adds is measured
 * against this as well as against nginx.
 */
async function runBareProxy(backendUrl: string): Promise<void> {
  const pool = new Pool(backendUrl, { connections: CONNECTIONS * 2 });
  await listen(
    createServer((req, res) => {
      const headers = { ...req.headers };
      delete headers.connection;
      pool
        .request({ method: req.method as 'GET', path: req.url ?? '/', headers, body: req })
        .then((up) => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) {
            if (v !== undefined && k !== 'connection' && k !== 'keep-alive') out[k] = v;
          }
          res.writeHead(up.statusCode, out);
          up.body.pipe(res);
        })
        .catch(() => {
          res.writeHead(502).end();
        });
    }),
  );
}

interface LoadArgs {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly seconds: number;
  readonly rate?: number;
}

function quantiles(sorted: ArrayLike<number>): (q: number) => number {
  return (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Closed loop with an undici Pool (used when wrk is absent). */
async function runClosedLoop({ url, headers, seconds }: LoadArgs): Promise<void> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const start = performance.now();
      const res = await pool.request({ method: 'GET', path: PATH, headers });
      await res.body.dump();
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const at = quantiles(latencies.sort((a, b) => a - b));
  const rps = latencies.length / elapsed;
  process.stdout.write(`${JSON.stringify({ rps, p50Ms: at(0.5), p99Ms: at(0.99), errors })}\n`);
}

/**
 * Open loop at a fixed rate; latency from each request's scheduled start, so a stall is not hidden.
 * A first second at the same rate on the same pool warms connections and JIT and is not counted.
 */
async function runOpenLoop({ url, headers, seconds, rate = 1000 }: LoadArgs): Promise<void> {
  const pool = new Pool(url, { connections: CONNECTIONS * 2, pipelining: 1 });
  const phase = (total: number) => {
    const latencies = new Float64Array(total);
    let sent = 0;
    let done = 0;
    let errors = 0;
    const start = performance.now() + 5;
    return new Promise<{ latencies: Float64Array; errors: number }>((resolve) => {
      const settle = (i: number, scheduled: number, ok: boolean) => {
        if (!ok) errors++;
        latencies[i] = performance.now() - scheduled;
        if (++done === total) resolve({ latencies, errors });
      };
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        while (sent < due) {
          const i = sent++;
          const scheduled = start + (i * 1000) / rate;
          pool.request({ method: 'GET', path: PATH, headers }).then(
            async (res) => {
              await res.body.dump();
              settle(i, scheduled, res.statusCode === 200);
            },
            () => settle(i, scheduled, false),
          );
        }
        // A timer, not setImmediate: a spinning generator would take a core from those measured.
        if (sent < total) setTimeout(tick, 1);
      };
      setTimeout(tick, 5);
    });
  };
  // The warm-up phase is announced, so the bench can read the server's CPU time in between.
  await phase(Math.floor(rate));
  process.stdout.write('warm\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const { latencies, errors } = await phase(Math.floor(rate * seconds));
  await pool.close();
  const at = quantiles(latencies.sort());
  const result = { rps: rate, p50Ms: at(0.5), p99Ms: at(0.99), errors, requests: latencies.length };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const [role = '', arg = '{}'] = process.argv.slice(2);
const roles: Record<string, () => Promise<void>> = {
  backend: runBackend,
  gateway: () => runGateway(arg),
  'bare-proxy': () => runBareProxy(arg),
  'closed-loop': () => runClosedLoop(JSON.parse(arg) as LoadArgs),
  'open-loop': () => runOpenLoop(JSON.parse(arg) as LoadArgs),
};
const run = roles[role];
if (run === undefined) throw new Error(`unknown role ${role}`);
await run();
