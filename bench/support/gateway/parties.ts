// The bench's servers besides the Node ones of roles.ts: nginx (Debian's, one or two workers,
// keep-alive upstream) as a plain reverse proxy, the gateway as `rolegate gateway --workers N`
// runs it, and the token and config every gateway shares.

import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, SignJWT } from 'jose';
import { AUDIENCE, CONNECTIONS, HOST, ISSUER } from './constants.ts';
import { findBinary } from './load.ts';
import { freePort, waitUntilAnswering } from './processes.ts';

export interface RunningNginx {
  readonly url: string;
  stop(): void;
}

/**
 * nginx with `http` block contents `body` (its upstreams and servers); undefined when not installed.
 * `launcher` runs it through another command (`taskset -c 0`: its workers inherit the CPU set).
 */
export async function startNginx(
  workers: number,
  body: (port: number) => string,
  launcher: readonly string[] = [],
): Promise<RunningNginx | undefined> {
  const nginx = findBinary('nginx');
  if (nginx === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    // As root, nginx's workers would drop to `nobody`, who may not write the cache in our 0700 folder.
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${body(port).replaceAll('$DIR', dir)}
}
`,
  );
  const argv = [...launcher, nginx, '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url, HOST);
  return {
    url,
    stop() {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx as a plain reverse proxy in front of `backendUrl`. */
export function plainProxy(backendUrl: string): (port: number) => string {
  return (port) => `
  upstream backend { server ${new URL(backendUrl).host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }`;
}

/**
 * nginx with `auth_request` to the gateway's forward-auth listener (the x-original convention, over
 * kept-alive connections as docs/forward-auth.md advises) in front of `backendUrl`, copying the
 * identity headers upstream; with `cache`, nginx's proxy_cache holds the gateway's decisions,
 * keyed by Authorization, method, host and URI, for as long as its Cache-Control allows.
 */
export function forwardAuthProxy(
  backendUrl: string,
  forwardAuthUrl: string,
  cache: boolean,
): (port: number) => string {
  const cacheLines = cache
    ? `
      proxy_cache rolegate_auth;
      proxy_cache_key "$http_authorization|$request_method|$host|$request_uri";`
    : '';
  return (port) => `
  upstream backend { server ${new URL(backendUrl).host}; keepalive 128; }
  upstream rolegate { server ${new URL(forwardAuthUrl).host}; keepalive 128; }
  proxy_cache_path $DIR/cache keys_zone=rolegate_auth:10m;
  server {
    listen 127.0.0.1:${port};
    location = /_rolegate_auth {
      internal;${cacheLines}
      proxy_pass http://rolegate;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
    location / {
      auth_request /_rolegate_auth;
      auth_request_set $rg_identity $upstream_http_x_rolegate_identity;
      auth_request_set $rg_service $upstream_http_x_rolegate_service;
      auth_request_set $rg_request_id $upstream_http_x_rolegate_request_id;
      proxy_set_header X-RoleGate-Identity $rg_identity;
      proxy_set_header X-RoleGate-Service $rg_service;
      proxy_set_header X-RoleGate-Request-Id $rg_request_id;
      proxy_set_header Authorization "";
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }`;
}

/** `rolegate gateway --workers N` as an operator runs it (the CLI binary, access log to /dev/null). */
export async function startGatewayWorkers(
  dir: string,
  config: GatewayBenchConfig,
  workers: number,
  runtime: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const file = join(dir, `gateway-${workers}-workers.json`);
  writeFileSync(file, JSON.stringify({ ...config, listeners: [{ host: '127.0.0.1', port }] }));
  const bin = fileURLToPath(new URL('../../../packages/cli/bin/rolegate.js', import.meta.url));
  const child = spawn(runtime, [bin, 'gateway', '--config', file, '--workers', String(workers)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url, HOST);
  return { child, url };
}

/** A broker-shaped token for the bench's service, and the JWKS file that verifies it. */
export async function benchToken(dir: string): Promise<{ jwksFile: string; token: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    rolegate: {
      v: 1,
      method: 'aws-sts',
      principal_type: 'AssumedRole',
      account: '444455556666',
      partition: 'aws',
      session_arn: 'arn:aws:sts::444455556666:assumed-role/billing/session-1',
      session_name: 'session-1',
      user_id: 'AROAEXAMPLEEXAMPLE01:session-1',
      tags: { team: 'payments' },
    },
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject('arn:aws:iam::444455556666:role/billing')
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 3600)
    .setJti('bench-1')
    .sign(privateKey);
  return { jwksFile, token };
}

export type GatewayBenchConfig = Awaited<ReturnType<typeof gatewayConfig>>;

/**
 * The gateway as nginx's forward-auth service: its own listener (unused) and a forward-auth
 * listener on `port`. The policy reads only the principal, the method and the path — what lets
 * the gateway mark an Allow cacheable (`decisionCacheSeconds`); the Lattice policy of the proxy
 * rows reads aws:SourceIp, whose decisions no proxy may reuse.
 */
export function forwardAuthConfig(
  jwksFile: string,
  port: number,
  decisionCacheSeconds: number,
): GatewayBenchConfig & { forwardAuth: object } {
  const arn = 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0';
  return {
    listeners: [{ host: '127.0.0.1', port: 0 }],
    admin: false,
    jwt: { issuer: ISSUER, jwksFile, tokenCacheSize: 10_000 },
    forwardAuth: {
      listeners: [{ host: '127.0.0.1', port, convention: 'x-original' }],
      decisionCacheSeconds,
    },
    services: [
      {
        name: 'billing',
        listener: { hosts: [HOST] },
        upstreams: ['http://127.0.0.1:9'],
        serviceArn: arn,
        audiences: [AUDIENCE],
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::444455556666:role/billing' },
              Action: 'vpc-lattice-svcs:Invoke',
              Resource: `${arn}/invoices/*`,
              Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
            },
          ],
        },
        upstream: { connections: CONNECTIONS * 2 },
      },
    ],
  };
}

/** One service behind a typical 10-statement Lattice policy; `tokenCacheSize` 0 verifies every token. */
export async function gatewayConfig(backendUrl: string, jwksFile: string, tokenCacheSize: number) {
  const { SVC, toIam, typicalSpecs } = await import(
    '../../../packages/policy/test/support/lattice-workload.ts'
  );
  return {
    listeners: [{ host: '127.0.0.1', port: 0 }],
    admin: false as const,
    jwt: { issuer: ISSUER, jwksFile, tokenCacheSize },
    services: [
      {
        name: 'billing',
        listener: { hosts: [HOST] },
        upstreams: [backendUrl],
        serviceArn: SVC,
        audiences: [AUDIENCE],
        policy: toIam(typicalSpecs()),
        upstream: { connections: CONNECTIONS * 2 },
      },
    ],
  };
}
