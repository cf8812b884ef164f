// Keys, tokens and a JWKS server for the verifier tests. Tokens are signed two ways: with jose
// (an independent implementation, for well-formed tokens) and by hand from raw header and payload
// text (for the malformed ones jose would refuse to make: duplicate keys, `crit`, odd encodings).
import {
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

export const ISSUER = 'https://broker.test';
export const AUDIENCE = 'https://billing.example';
/** A fixed clock for the tests: 2030-01-01T00:00:00Z. */
export const NOW = 1_893_456_000;

export interface TestKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256' | 'EdDSA' | 'PS256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JsonWebKey;
}

export async function makeKey(alg: TestKey['alg'] = 'RS256'): Promise<TestKey> {
  const pair =
    alg === 'RS256' || alg === 'PS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    kid,
    alg,
    privateKey: pair.privateKey,
    publicKey: createPublicKey(pair.privateKey),
    jwk: { ...jwk, kid, alg, use: 'sig' } as JsonWebKey,
  };
}

export function rolegateClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: 'arn:aws:iam::111122223333:role/orders',
    aud: AUDIENCE,
    iat: NOW,
    nbf: NOW,
    exp: NOW + 900,
    jti: 'b5f1c1e0-0000-4000-8000-000000000001',
    rolegate: {
      v: 1,
      method: 'aws-sts',
      principal_type: 'AssumedRole',
      account: '111122223333',
      partition: 'aws',
      session_arn: 'arn:aws:sts::111122223333:assumed-role/orders/orders-1',
      session_name: 'orders-1',
      user_id: 'AROAEXAMPLEEXAMPLE01:orders-1',
      tags: { team: 'payments' },
    },
    ...overrides,
  };
}

/** A well-formed token signed with jose. */
export function signed(
  key: TestKey,
  claims: Record<string, unknown> = rolegateClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** A token from raw header and payload JSON text, RS256-signed by hand (no checks at all). */
export function rawToken(key: TestKey, headerJson: string, payloadJson: string): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export function headerJson(key: TestKey, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...extra });
}

export type JwksReply = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback JWKS server whose answer each test controls; counts the fetches. */
export interface JwksServer {
  readonly url: string;
  fetches: number;
  reply: JwksReply;
  close(): Promise<void>;
}

export function serveKeys(
  keys: readonly TestKey[],
  cacheControl = 'public, max-age=300',
): JwksReply {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl });
    res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  };
}

export async function startJwksServer(reply: JwksReply): Promise<JwksServer> {
  const state = {
    fetches: 0,
    reply,
  };
  const server = createServer((req, res) => {
    state.fetches++;
    state.reply(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return state.fetches;
    },
    set fetches(n: number) {
      state.fetches = n;
    },
    get reply() {
      return state.reply;
    },
    set reply(r: JwksReply) {
      state.reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock the tests move by hand, in milliseconds. */
export function fakeClock(startSeconds = NOW): {
  now: () => number;
  advance(seconds: number): void;
} {
  let ms = startSeconds * 1000;
  return {
    now: () => ms,
    advance(seconds) {
      ms += seconds * 1000;
    },
  };
}
