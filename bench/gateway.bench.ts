// The gateway as a reverse proxy, on loopback, beside the same backend reached directly, through
// nginx as a plain reverse proxy, and through a bare Node proxy (node:http + undici, no auth: the
// floor of any proxy built on Node), all measured in the same run, each party in its own process
// (bench/support/gateway/roles.ts), the load from `wrk` when installed (else an undici Pool).
//
//   1. peak throughput (closed loop, 64 connections) for each of them, the gateway verifying
//      every token (token cache off) with a typical 10-statement Lattice policy, and with the
//      verified-token cache; ratios against the bare Node proxy (what rolegate adds over Node's
//      own floor) and against nginx (context: what a machine's Node floor is);
//   2. the same with every core: nginx with two workers beside `rolegate gateway --workers 2`;
//   3. latency at a fixed rate of half the verifying gateway's peak (open loop, from each
//      request's scheduled start, so a stall is not hidden): the p99 each proxy adds;
//   4. CPU time per request of each Node server at a fixed 1,000 req/s (process.cpuUsage);
//   5. nginx in front of the backend asking the gateway's forward-auth listener about every
//      request (`auth_request`), without and with nginx's proxy_cache holding the decisions.
// Then all of it again with the servers on Node 24 (node24.ts), and both side by side.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPU_RATE, HOST } from './support/gateway/constants.ts';
import { findBinary, fixedRate, peak, type Result, type Target } from './support/gateway/load.ts';
import { findNode24 } from './support/gateway/node24.ts';
import {
  benchToken,
  forwardAuthConfig,
  forwardAuthProxy,
  gatewayConfig,
  plainProxy,
  type RunningNginx,
  startGatewayWorkers,
  startNginx,
} from './support/gateway/parties.ts';
import { freePort, type Party, startParty } from './support/gateway/processes.ts';

/** What one runtime's run found, for the side-by-side table at the end. */
interface Summary {
  readonly runtime: string;
  readonly bare: Result;
  readonly verifying: Result;
  readonly cached: Result;
  readonly nginx: Result | undefined;
  readonly forwardAuth: { readonly off: Result; readonly on: Result } | undefined;
  readonly p99AddedMs: { readonly gateway: number; readonly bare: number };
  readonly cpu: { readonly bare: number; readonly verifying: number; readonly cached: number };
}

const fixed = (n: number | undefined, digits = 2) => (n === undefined ? '—' : n.toFixed(digits));

function printPeaks(rows: readonly Result[], bare: Result, nginx: Result | undefined): void {
  console.table(
    rows.map((r) => ({
      name: r.name,
      'req/s': Math.round(r.rps).toLocaleString('en-US'),
      'x bare Node proxy': fixed(r.rps / bare.rps),
      'x nginx': nginx === undefined ? '—' : fixed(r.rps / nginx.rps),
      'p50 ms': fixed(r.p50Ms),
      'p99 ms': fixed(r.p99Ms),
      errors: r.errors,
    })),
  );
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

async function benchOn(runtime: string, label: string): Promise<Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-gw-'));
  const children: ChildProcess[] = [];
  const nginxes: RunningNginx[] = [];
  const party = async (role: string, arg?: string): Promise<Party> => {
    const started = await startParty(role, arg, runtime);
    children.push(started.child);
    return started;
  };
  try {
    const backend = await party('backend');
    const { jwksFile, token } = await benchToken(dir);
    const config = (cache: number) => gatewayConfig(backend.line, jwksFile, cache);
    const bareProxy = await party('bare-proxy', backend.line);
    const uncached = await party('gateway', JSON.stringify(await config(0)));
    const cachedGw = await party('gateway', JSON.stringify(await config(10_000)));
    const nginx1 = await startNginx(1, plainProxy(backend.line));
    const nginx2 = await startNginx(2, plainProxy(backend.line));
    for (const n of [nginx1, nginx2]) if (n !== undefined) nginxes.push(n);
    const multi = await startGatewayWorkers(dir, await config(0), 2, runtime);
    children.push(multi.child);
    // Forward auth: a gateway per decision-cache setting, each asked by its own nginx.
    const forwardAuthNginx = async (decisionCacheSeconds: number) => {
      const port = await freePort();
      await party(
        'gateway',
        JSON.stringify(forwardAuthConfig(jwksFile, port, decisionCacheSeconds)),
      );
      const proxy = forwardAuthProxy(
        backend.line,
        `http://127.0.0.1:${port}`,
        decisionCacheSeconds > 0,
      );
      const started = await startNginx(1, proxy);
      if (started !== undefined) nginxes.push(started);
      return started;
    };
    const faOff = await forwardAuthNginx(0);
    const faOn = await forwardAuthNginx(300);
    const wrk = findBinary('wrk');
    console.log(
      `\n## gateway on ${label}: reverse proxy on loopback, 64 connections, load from ${wrk ? 'wrk' : 'an undici Pool (wrk not installed)'}`,
    );
    if (nginx1 === undefined)
      console.log('nginx is not installed (apt-get install -y nginx): its rows are skipped');

    const plain = { Host: HOST };
    const authed = { Host: HOST, Authorization: `Bearer ${token}` };
    const directTarget: Target = { name: 'backend directly', url: backend.line, headers: plain };
    const bareTarget: Target = {
      name: 'bare Node proxy (node:http + undici, no auth)',
      url: bareProxy.line,
      headers: plain,
    };
    const verifyingTarget: Target = {
      name: 'gateway, JWT verified every request + Lattice policy',
      url: uncached.line,
      headers: authed,
    };
    const cachedTarget: Target = {
      name: 'gateway, token cache + Lattice policy',
      url: cachedGw.line,
      headers: authed,
    };
    const nginxTarget: Target | undefined =
      nginx1 === undefined
        ? undefined
        : { name: 'nginx, plain reverse proxy (1 worker)', url: nginx1.url, headers: plain };

    const direct = await peak(wrk, directTarget);
    const nginx = nginxTarget === undefined ? undefined : await peak(wrk, nginxTarget);
    const bare = await peak(wrk, bareTarget);
    const verifying = await peak(wrk, verifyingTarget);
    const cached = await peak(wrk, cachedTarget);
    printPeaks([direct, ...(nginx ? [nginx] : []), bare, verifying, cached], bare, nginx);

    let forwardAuth: Summary['forwardAuth'];
    if (faOff !== undefined && faOn !== undefined && nginx !== undefined) {
      console.log(
        `\n## gateway on ${label}: nginx (1 worker) asking the gateway's forward-auth listener (auth_request), one token repeated`,
      );
      forwardAuth = {
        off: await peak(wrk, {
          name: 'nginx + forward auth, decision cache off',
          url: faOff.url,
          headers: authed,
        }),
        on: await peak(wrk, {
          name: 'nginx + forward auth, decision cache on (proxy_cache)',
          url: faOn.url,
          headers: authed,
        }),
      };
      printPeaks([nginx, forwardAuth.off, forwardAuth.on], bare, nginx);
    }

    console.log(`\n## gateway on ${label}: ${cpus().length} cores, two processes each`);
    const multiRows: Result[] = [];
    if (nginx2 !== undefined) {
      multiRows.push(
        await peak(wrk, {
          name: 'nginx, plain reverse proxy (2 workers)',
          url: nginx2.url,
          headers: plain,
        }),
      );
    }
    multiRows.push(
      await peak(wrk, {
        name: 'gateway --workers 2, JWT verified every request + policy',
        url: multi.url,
        headers: authed,
      }),
    );
    printPeaks(multiRows, bare, multiRows.length === 2 ? multiRows[0] : undefined);

    // The same rate through every proxy: what nginx and the bare Node proxy add at p99 is the
    // floor the gateway's own figure is read against.
    const rate = Math.max(100, Math.floor(verifying.rps / 2));
    const atRate: Result[] = [await fixedRate(directTarget, rate)];
    if (nginxTarget !== undefined) atRate.push(await fixedRate(nginxTarget, rate));
    const bareAtRate = await fixedRate(bareTarget, rate);
    const gatewayAtRate = await fixedRate(verifyingTarget, rate);
    atRate.push(bareAtRate, gatewayAtRate);
    const directP99 = atRate[0]!.p99Ms;
    console.log(
      `\n## gateway on ${label}: latency at ${rate.toLocaleString('en-US')} req/s (half the verifying gateway's peak), open loop`,
    );
    console.table(
      atRate.map((r) => ({
        name: r.name,
        'p50 ms': fixed(r.p50Ms),
        'p99 ms': fixed(r.p99Ms),
        'p99 added ms': fixed(r.p99Ms - directP99),
        errors: r.errors,
      })),
    );

    // Each Node server's own CPU time per request at one fixed rate: independent of how the
    // machine's cores are shared between the load, the backend and the proxy.
    const cpuBare = await fixedRate(bareTarget, CPU_RATE, bareProxy);
    const cpuVerifying = await fixedRate(verifyingTarget, CPU_RATE, uncached);
    const cpuCached = await fixedRate(cachedTarget, CPU_RATE, cachedGw);
    const cpuBackend = await fixedRate(directTarget, CPU_RATE, backend);
    console.log(
      `\n## gateway on ${label}: CPU time per request at ${CPU_RATE.toLocaleString('en-US')} req/s`,
    );
    console.table(
      [cpuBackend, cpuBare, cpuVerifying, cpuCached].map((r) => ({
        'server (its own process)': r === cpuBackend ? 'backend (answering directly)' : r.name,
        'CPU µs/request': fixed(r.cpuMicrosPerRequest, 1),
        'x bare Node proxy': fixed(
          (r.cpuMicrosPerRequest ?? 0) / (cpuBare.cpuMicrosPerRequest ?? 1),
        ),
        errors: r.errors,
      })),
    );

    const p99Added = {
      gateway: gatewayAtRate.p99Ms - directP99,
      bare: bareAtRate.p99Ms - directP99,
    };
    const verifyingRatio = verifying.rps / bare.rps;
    const cachedRatio = cached.rps / bare.rps;
    console.log(
      `  verifying gateway / bare Node proxy = ${fixed(verifyingRatio)} (target ≥ 0.5: ${verdict(verifyingRatio >= 0.5)})\n` +
        `  token-cache gateway / bare Node proxy = ${fixed(cachedRatio)} (target ≥ 0.8: ${verdict(cachedRatio >= 0.8)})\n` +
        `  p99 added at half the verifying gateway's peak: gateway ${fixed(p99Added.gateway)} ms, bare Node proxy ${fixed(p99Added.bare)} ms ` +
        `(target ≤ bare + 1 ms: ${verdict(p99Added.gateway <= p99Added.bare + 1)})\n` +
        (forwardAuth === undefined || nginx === undefined
          ? ''
          : `  nginx + forward auth with its decision cache / nginx plain = ${fixed(forwardAuth.on.rps / nginx.rps)} (target ≥ 0.5: ${verdict(forwardAuth.on.rps / nginx.rps >= 0.5)}); ` +
            `without = ${fixed(forwardAuth.off.rps / nginx.rps)}\n`) +
        `  the floor here: bare Node proxy / nginx = ${nginx === undefined ? 'n/a (no nginx)' : fixed(bare.rps / nginx.rps)}; ` +
        `verifying gateway / nginx = ${nginx === undefined ? 'n/a' : fixed(verifying.rps / nginx.rps)}`,
    );
    return {
      runtime: label,
      bare,
      verifying,
      cached,
      nginx,
      forwardAuth,
      p99AddedMs: p99Added,
      cpu: {
        bare: cpuBare.cpuMicrosPerRequest ?? Number.NaN,
        verifying: cpuVerifying.cpuMicrosPerRequest ?? Number.NaN,
        cached: cpuCached.cpuMicrosPerRequest ?? Number.NaN,
      },
    };
  } finally {
    for (const n of nginxes) n.stop();
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function gatewayBench(): Promise<void> {
  const runs = [{ runtime: process.execPath, label: `node ${process.version}` }];
  if (!process.version.startsWith('v24.')) {
    const node24 = findNode24();
    if ('binary' in node24) runs.push({ runtime: node24.binary, label: 'node 24' });
    else console.log(`\n(no Node 24 run: ${node24.reason})`);
  }
  const summaries: Summary[] = [];
  for (const { runtime, label } of runs) summaries.push(await benchOn(runtime, label));
  if (summaries.length < 2) return;
  console.log('\n## gateway: the servers on each Node line, side by side (ratios within each run)');
  console.table(
    summaries.map((s) => ({
      runtime: s.runtime,
      'bare proxy req/s': Math.round(s.bare.rps),
      'verifying x bare': fixed(s.verifying.rps / s.bare.rps),
      'token cache x bare': fixed(s.cached.rps / s.bare.rps),
      'bare x nginx': s.nginx === undefined ? '—' : fixed(s.bare.rps / s.nginx.rps),
      'forward auth x nginx (cache off / on)':
        s.forwardAuth === undefined || s.nginx === undefined
          ? '—'
          : `${fixed(s.forwardAuth.off.rps / s.nginx.rps)} / ${fixed(s.forwardAuth.on.rps / s.nginx.rps)}`,
      'p99 added ms (gw / bare)': `${fixed(s.p99AddedMs.gateway)} / ${fixed(s.p99AddedMs.bare)}`,
      'CPU µs/req (bare / verifying / cache)': `${fixed(s.cpu.bare, 0)} / ${fixed(s.cpu.verifying, 0)} / ${fixed(s.cpu.cached, 0)}`,
    })),
  );
}
