// Three backends that read a request the way three families of servers do, each answering with
// its own reading of what it acted on — the path after its own decoding, the host, and every value
// its usual accessors could return for the headers and query keys the tests care about:
// - fastify: Fastify 5's router (find-my-way) and `request.headers` / `request.query`;
// - url: node:http parsing the target with `new URL(req.url, 'http://' + Host)`, and the first
//   and the last value of a repeated header (Go's `Header.Get` and Java's `getHeader` read the
//   first, PHP the last) — read from the raw headers, so duplicates show;
// - express: Express 5's router (case-insensitive by default, as ASP.NET and IIS) and
//   `req.headers` / `req.query`;
// - wsgi: Python's wsgiref (PEP 3333: PATH_INFO decoded, headers folded to HTTP_* with `-` and `_`
//   the same, repeated ones joined with commas), as Debian ships it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import Fastify, { type FastifyRequest } from 'fastify';

/** Header names whose readings the backends report (lower case, with dashes). */
export const WATCHED_HEADERS = [
  'x-tenant',
  'x-rolegate-identity',
  'x-rolegate-identity-tags',
  'x-forwarded-for',
  'authorization',
  'x-custom',
  'x-original-url',
  'x-rewrite-url',
  'x-http-method-override',
] as const;
/** Query keys whose readings the backends report. */
export const WATCHED_QUERY = ['role'] as const;

export interface Reading {
  readonly backend: string;
  /** The path the backend acts on, after its own decoding. */
  readonly path: string;
  /** The host the backend reads, lower case, without port. */
  readonly host: string;
  /** Watched header → every value the backend's accessors could return (absent: not sent). */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The backend matches paths in any letter case (Express's default). */
  readonly caseInsensitive?: boolean;
}

export interface DifferentialBackend {
  readonly name: 'fastify' | 'url' | 'wsgi' | 'express';
  readonly url: string;
  close(): Promise<void>;
}

const unique = (values: readonly string[]) => [...new Set(values)];

function hostWithoutPort(host: string): string {
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.lastIndexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

function rawValues(req: IncomingMessage, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    if (req.rawHeaders[i]!.toLowerCase() === name) out.push(req.rawHeaders[i + 1]!);
  return out;
}

export async function startFastifyBackend(): Promise<DifferentialBackend> {
  const app = Fastify({ logger: false });
  const handler = async (request: FastifyRequest) => {
    const params = request.params as Record<string, string | undefined>;
    const route = request.routeOptions.url ?? '';
    const path = route.endsWith('*') ? route.slice(0, -1) + (params['*'] ?? '') : route;
    const headers: Record<string, string[]> = {};
    for (const name of WATCHED_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value : [value];
    }
    const query: Record<string, string[]> = {};
    const q = request.query as Record<string, string | string[] | undefined>;
    for (const name of WATCHED_QUERY) {
      const value = q[name];
      if (value !== undefined) query[name] = Array.isArray(value) ? value : [value];
    }
    return { backend: 'fastify', path, host: hostWithoutPort(request.host), headers, query };
  };
  // The catch-all and the admin routes a Deny protects: which one Fastify picks is what it acts on.
  for (const url of ['/*', '/billing/admin', '/billing/admin/*'])
    app.route({ method: ['GET', 'POST', 'HEAD', 'DELETE', 'PUT'], url, handler });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { name: 'fastify', url: address, close: () => app.close() };
}

export async function startExpressBackend(): Promise<DifferentialBackend> {
  const app = express();
  const handler = (route: string) => (req: Request, res: express.Response) => {
    const splat = (req.params as Record<string, string | string[] | undefined>).splat;
    const rest = Array.isArray(splat) ? splat.join('/') : (splat ?? '');
    const headers: Record<string, string[]> = {};
    for (const name of WATCHED_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value : [value];
    }
    const query: Record<string, string[]> = {};
    const q = req.query as Record<string, unknown>;
    for (const name of WATCHED_QUERY) {
      const value = q[name];
      if (value !== undefined) query[name] = (Array.isArray(value) ? value : [value]).map(String);
    }
    const reading: Reading = {
      backend: 'express',
      path: route.replace('*splat', rest),
      host: hostWithoutPort(req.headers.host ?? ''),
      headers,
      query,
      caseInsensitive: true,
    };
    res.json(reading);
  };
  // The admin routes a Deny protects, and a catch-all: which one Express picks is what it acts on.
  for (const route of ['/billing/admin', '/billing/admin/*splat', '/*splat'])
    app.all(route, handler(route));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: 'express',
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startUrlBackend(): Promise<DifferentialBackend> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'missing.invalid'}`);
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {}
    const headers: Record<string, string[]> = {};
    for (const name of WATCHED_HEADERS) {
      const values = rawValues(req, name);
      if (values.length > 0) headers[name] = unique([values[0]!, values[values.length - 1]!]);
    }
    const query: Record<string, string[]> = {};
    for (const name of WATCHED_QUERY) {
      const values = url.searchParams.getAll(name);
      if (values.length > 0) query[name] = unique([values[0]!, values[values.length - 1]!]);
    }
    const reading: Reading = { backend: 'url', path, host: url.hostname, headers, query };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reading));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'url',
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const WSGI_APP = `
import json, sys, urllib.parse
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

WATCHED_HEADERS = ${JSON.stringify(WATCHED_HEADERS)}
WATCHED_QUERY = ${JSON.stringify(WATCHED_QUERY)}

def app(environ, start_response):
    # PEP 3333: PATH_INFO is the decoded path, as latin-1 characters of its bytes.
    path = environ.get('PATH_INFO', '').encode('latin-1').decode('utf-8', 'replace')
    host = environ.get('HTTP_HOST', '').lower()
    if host.startswith('['):
        host = host[: host.index(']') + 1]
    elif ':' in host:
        host = host.rsplit(':', 1)[0]
    headers = {}
    for name in WATCHED_HEADERS:
        key = 'HTTP_' + name.upper().replace('-', '_')
        if key in environ:
            headers[name] = [environ[key]]
    parsed = urllib.parse.parse_qs(environ.get('QUERY_STRING', ''), keep_blank_values=True)
    query = {name: sorted(set(parsed[name])) for name in WATCHED_QUERY if name in parsed}
    body = json.dumps({'backend': 'wsgi', 'path': path, 'host': host, 'headers': headers, 'query': query}).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

class Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True

server = make_server('127.0.0.1', 0, app, server_class=Threading, handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
`;

/** Debian's python3 (CI installs it); wsgiref is in its standard library. */
export const PYTHON = '/usr/bin/python3';
export const hasPython = () => existsSync(PYTHON);

export async function startWsgiBackend(): Promise<DifferentialBackend> {
  const child: ChildProcess = spawn(PYTHON, ['-c', WSGI_APP], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the WSGI backend did not start')), 10_000);
    child.once('exit', (code) => reject(new Error(`the WSGI backend exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(Number(chunk.toString().trim()));
    });
  });
  return {
    name: 'wsgi',
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
