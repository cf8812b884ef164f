// `rolegate roles-anywhere serve`: the Roles Anywhere session's credentials on a local endpoint
// that AWS SDKs read as EC2 instance metadata (IMDSv2), like AWS's `aws_signing_helper serve`.
// Point an SDK at it with AWS_EC2_METADATA_SERVICE_ENDPOINT=<url>.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { isLoopback, isRolegateError } from '@rolegate/core';
import { CliError } from '../lib/errors.ts';
import { ImdsTokens, parseTokenTtl } from './imds-tokens.ts';
import type { SessionCredentials } from './session-credentials.ts';

/** AWS's helper listens here (`DefaultPort` in serve.go). */
export const DEFAULT_IMDS_PORT = 9911;

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

/** An IAM role name (`[\w+=,.@-]`, 1 to 64 characters): also a path segment, so nothing else. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export interface ImdsServerOptions {
  /** Where credentials come from; a RefreshingCredentials in `serve`. */
  readonly credentials: { get(): Promise<SessionCredentials> };
  /** The role's name (the last segment of its ARN), listed under security-credentials/. */
  readonly roleName: string;
  /** 127.0.0.1 unless given. Anything that is not loopback needs `allowNonLoopback`. */
  readonly host?: string;
  /** 9911 (AWS's default) unless given; 0 takes any free port. */
  readonly port?: number;
  /**
   * Serve beyond this machine. Loud on purpose: anyone who can reach the port gets the role's
   * credentials, as the token only proves a caller can send a PUT.
   */
  readonly allowNonLoopback?: boolean;
  /** The clock, in epoch milliseconds (tests move it). */
  readonly now?: () => number;
  /** Told of each failure to get credentials (the answer carries only its code). */
  readonly onError?: (error: unknown) => void;
}

export interface RunningImdsServer {
  /** `http://host:port/`, the value for AWS_EC2_METADATA_SERVICE_ENDPOINT. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the endpoint; rejects with the listen error (`EADDRINUSE`, …) when it cannot listen.
 * See docs/roles-anywhere.md "serve and update" for where it differs from AWS's helper.
 */
export async function startImdsServer(options: ImdsServerOptions): Promise<RunningImdsServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_IMDS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new TypeError('port must be an integer from 0 to 65535');
  if (!isLoopback(host) && options.allowNonLoopback !== true)
    throw new CliError(
      'cli.invalid_option',
      `will not serve credentials on ${host}, which other machines may reach; use a loopback address or allow it explicitly`,
    );
  if (!ROLE_NAME.test(options.roleName))
    throw new CliError('cli.invalid_option', 'the role name is not an IAM role name');

  const now = options.now ?? Date.now;
  const tokens = new ImdsTokens({ now });
  const handle = imdsHandler({ ...options, now, tokens });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });
  // A client that trickles its headers or body cannot hold a connection for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 5_000;
  server.setTimeout(30_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function imdsHandler(
  options: ImdsServerOptions & { now: () => number; tokens: ImdsTokens },
): Handler {
  const { tokens, now, roleName } = options;
  const rolePath = `${CREDENTIALS_PATH}/${roleName}`;

  return async (req, res) => {
    const refused = refusal(req);
    if (refused !== undefined) return send(res, 403, refused);

    const route = routeOf(req.url ?? '', rolePath);
    if (route === undefined) return send(res, 404, 'not found');
    const method = route === 'token' ? 'PUT' : 'GET';
    if (req.method !== method) {
      res.setHeader('allow', method);
      return send(res, 405, 'method not allowed');
    }

    if (route === 'token') {
      const ttl = parseTokenTtl(req.headers[TTL_HEADER] as string | undefined);
      if (ttl === undefined) return send(res, 400, 'missing or invalid token TTL');
      const token = tokens.issue(ttl);
      res.setHeader(TTL_HEADER, String(ttl));
      return send(res, 200, token);
    }

    const remaining = tokens.remainingSeconds(req.headers[TOKEN_HEADER] as string | undefined);
    if (remaining === undefined) return send(res, 401, 'missing, unknown or expired token');
    res.setHeader(TTL_HEADER, String(remaining));
    if (route === 'role') return send(res, 200, roleName);

    let credentials: SessionCredentials;
    try {
      credentials = await options.credentials.get();
    } catch (error) {
      options.onError?.(error);
      return sendJson(res, 500, credentialsError(error, now()));
    }
    return sendJson(res, 200, {
      Code: 'Success',
      LastUpdated: imdsTime(now()),
      Type: 'AWS-HMAC',
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: imdsTime(credentials.expiration.getTime()),
    });
  };
}

/**
 * Why a request that did not come straight from a program on this machine is refused, if it did
 * not. IMDS answers 403 to anything a proxy forwarded (X-Forwarded-For): the token must not leave
 * the machine. A web page must not reach the endpoint either: after a DNS rebinding, a page of
 * attacker.example talks to 127.0.0.1 as its own origin, so the PUT and the custom header stop
 * nothing; the Host it sends still names attacker.example, and a browser sends Origin with every
 * PUT. So the Host must be an IP address or `localhost` (no one else's DNS answers for those),
 * and a request with Origin is refused: SDKs send neither a DNS name of the attacker nor Origin.
 */
function refusal(req: IncomingMessage): string | undefined {
  if (req.headers['x-forwarded-for'] !== undefined)
    return 'requests with X-Forwarded-For are refused';
  const host = req.headers.host;
  if (host !== undefined && !isLiteralHost(host))
    return 'the Host header must be an IP address or localhost';
  if (req.headers.origin !== undefined) return 'requests from web pages (Origin) are refused';
  return undefined;
}

/** `host[:port]` naming an IP address (IPv6 in brackets) or localhost: no DNS name to rebind. */
function isLiteralHost(header: string): boolean {
  const parts = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::\d{1,5})?$/.exec(header);
  if (parts === null) return false;
  const [, ipv6, name] = parts;
  if (ipv6 !== undefined) return isIP(ipv6) === 6;
  return name!.toLowerCase() === 'localhost' || isIP(name!) === 4;
}

/**
 * Which resource a request target names, compared as sent (no decoding, no query): each path
 * with or without a trailing slash, as AWS's helper registers them.
 */
function routeOf(target: string, rolePath: string): 'token' | 'role' | 'credentials' | undefined {
  const path = target.endsWith('/') ? target.slice(0, -1) : target;
  if (path === TOKEN_PATH) return 'token';
  if (path === CREDENTIALS_PATH) return 'role';
  if (path === rolePath) return 'credentials';
  return undefined;
}

/** The answer when no credentials can be had: the error's code and fixed description only. */
function credentialsError(error: unknown, now: number): Record<string, string> {
  const known = isRolegateError(error);
  return {
    Code: known ? error.code : 'internal_error',
    Message: known ? error.spec.description : 'the credentials could not be fetched',
    LastUpdated: imdsTime(now),
  };
}

/** IMDS writes times to the second: 2024-01-02T03:04:05Z. */
function imdsTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
