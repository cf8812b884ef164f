// A JWKS that cannot be fetched is named with the reason — refused, TLS, timed out — in the
// jwks.unavailable error (and so in the gateway's log), not undici's bare 'fetch failed'.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createVerifier } from '../src/index.ts';
import { fetchJwks } from '../src/keys/fetch-jwks.ts';
import {
  AUDIENCE,
  fakeClock,
  ISSUER,
  type JwksServer,
  makeKey,
  rolegateClaims,
  serveKeys,
  signed,
  startJwksServer,
  type TestKey,
} from './support/keys.ts';

describe('JWKS fetch failures name their cause', () => {
  let key: TestKey;
  let plain: JwksServer;
  const sockets = new Set<Socket>();
  // Accepts connections and never answers.
  const silent = createServer((socket) => sockets.add(socket));
  let silentPort: number;

  before(async () => {
    key = await makeKey();
    plain = await startJwksServer(serveKeys([]));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    await plain.close();
  });

  const unavailable = async (jwksUri: string) => {
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri,
      jwks: { timeoutMs: 200 },
      now: fakeClock().now,
    });
    return verifier.verify(await signed(key, rolegateClaims())).then(
      () => assert.fail('verified without keys'),
      (e: unknown) => e as { code: string; message: string },
    );
  };

  it('a closed port: connection refused', async () => {
    const dead = await startJwksServer(serveKeys([]));
    await dead.close();
    const port = new URL(dead.url).port;
    const error = await unavailable(dead.url);
    assert.equal(error.code, 'jwks.unavailable');
    assert.equal(
      error.message,
      `JWKS ${dead.url}: connection refused: nothing listens at 127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });

  it('https to a server that does not speak TLS: the handshake failed', async () => {
    const error = await unavailable(plain.url.replace('http:', 'https:'));
    assert.equal(error.code, 'jwks.unavailable');
    assert.match(error.message, /: TLS: the handshake failed \(ERR_SSL_WRONG_VERSION_NUMBER: /);
  });

  it('a JWKS that never answers: timed out, after the configured deadline', async () => {
    const error = await unavailable(`http://127.0.0.1:${silentPort}/jwks.json`);
    assert.equal(error.code, 'jwks.unavailable');
    assert.match(error.message, /: timed out: no answer within 200 ms$/);
  });

  it('a JWKS that stops in the middle of its body: timed out too, whatever is collected', async () => {
    plain.reply = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":['); // and nothing more
    };
    // undici holds the Response weakly: once it is collected, fetch's own abort no longer reaches
    // the body, and a read that waited on it hung for ever (so did every later refetch).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 10);
    let guard: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_resolve, reject) => {
      guard = setTimeout(() => reject(new Error('still waiting after 3 s')), 3000);
    });
    try {
      await assert.rejects(
        Promise.race([fetchJwks(plain.url, { fetch, timeoutMs: 200, maxBytes: 1024 }), hung]),
        { message: 'timed out: no answer within 200 ms' },
      );
    } finally {
      clearInterval(collecting);
      clearTimeout(guard);
    }
  });
});
