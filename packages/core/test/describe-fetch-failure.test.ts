// describeFetchFailure names the cause that Node's fetch hides behind 'fetch failed': real
// failures on loopback (a closed port, a server that never answers, TLS spoken to a plain HTTP
// server), and error objects shaped as Node 20's for what loopback cannot produce (DNS, a
// certificate, several addresses tried at once).
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeFetchFailure } from '../src/index.ts';

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
};

const failure = async (url: string, init: RequestInit = {}): Promise<unknown> =>
  fetch(url, init).then(
    () => assert.fail(`${url} answered`),
    (error: unknown) => error,
  );

/** undici's shape: a TypeError('fetch failed') whose cause is the system error. */
const fetchFailed = (message: string, fields: Record<string, unknown>) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(message), fields) });

describe('describeFetchFailure on loopback', () => {
  const sockets = new Set<Socket>();
  // Accepts connections and never answers.
  const silent = createServer((socket) => sockets.add(socket));
  const plain = createHttpServer((_req, res) => res.end('plain'));
  let silentPort: number;
  let plainPort: number;

  before(async () => {
    silentPort = await listen(silent);
    plainPort = await listen(plain);
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    plain.close();
  });

  it('names a refused connection and where', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const described = describeFetchFailure(await failure(`http://127.0.0.1:${port}/`));
    assert.equal(described.kind, 'refused');
    assert.equal(
      described.text,
      `connection refused: nothing listens at 127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });

  it('names a timeout and the deadline', async () => {
    const error = await failure(`http://127.0.0.1:${silentPort}/`, {
      signal: AbortSignal.timeout(150),
    });
    const described = describeFetchFailure(error, { timeoutMs: 150 });
    assert.equal(described.kind, 'timeout');
    assert.equal(described.text, 'timed out: no answer within 150 ms');
    assert.equal(describeFetchFailure(error).text, 'timed out: no answer in time');
  });

  it('names a TLS handshake that fails (https to a plain HTTP server)', async () => {
    const described = describeFetchFailure(await failure(`https://127.0.0.1:${plainPort}/`));
    assert.equal(described.kind, 'tls');
    assert.match(described.text, /^TLS: the handshake failed \(ERR_SSL_WRONG_VERSION_NUMBER: /);
  });

  it('keeps the reason of a failure it has no name for', async () => {
    const redirect = createHttpServer((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    const port = await listen(redirect);
    try {
      const error = await failure(`http://127.0.0.1:${port}/`, { redirect: 'error' });
      assert.deepEqual(describeFetchFailure(error), {
        kind: 'other',
        text: 'fetch failed: unexpected redirect',
      });
    } finally {
      redirect.close();
    }
  });
});

describe('describeFetchFailure on errors shaped as Node 20 gives them', () => {
  it('names DNS failures with the host name', () => {
    const missing = fetchFailed('getaddrinfo ENOTFOUND broker.invalid', {
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'broker.invalid',
    });
    assert.deepEqual(describeFetchFailure(missing), {
      kind: 'dns',
      text: 'DNS does not know broker.invalid (ENOTFOUND)',
    });
    const again = fetchFailed('getaddrinfo EAI_AGAIN broker.example', {
      code: 'EAI_AGAIN',
      hostname: 'broker.example',
    });
    assert.deepEqual(describeFetchFailure(again), {
      kind: 'dns',
      text: 'no DNS answer for broker.example (a resolver is unreachable or slow) (EAI_AGAIN)',
    });
  });

  it('names an untrusted, a misnamed and an expired certificate', () => {
    const cases = [
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'is not trusted'],
      [
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        'unable to verify the first certificate',
        'is not trusted',
      ],
      [
        'ERR_TLS_CERT_ALTNAME_INVALID',
        "Hostname/IP does not match certificate's altnames",
        'is not for this host name',
      ],
      ['CERT_HAS_EXPIRED', 'certificate has expired', 'has expired or is not yet valid'],
    ] as const;
    for (const [code, message, says] of cases) {
      const described = describeFetchFailure(fetchFailed(message, { code }));
      assert.equal(described.kind, 'tls', code);
      assert.equal(described.text, `TLS: the server's certificate ${says} (${code}: ${message})`);
    }
  });

  it('reads the members of an AggregateError (every address of a name refused)', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:8700`), {
        code: 'ECONNREFUSED',
        address,
        port: 8700,
      });
    const error = new TypeError('fetch failed', {
      cause: new AggregateError([refused('::1'), refused('127.0.0.1')], ''),
    });
    assert.deepEqual(describeFetchFailure(error), {
      kind: 'refused',
      text: 'connection refused: nothing listens at [::1]:8700 (ECONNREFUSED)',
    });
  });

  it('names resets, unreachable hosts, undici timeouts and aborts', () => {
    const kinds = [
      [fetchFailed('other side closed', { code: 'UND_ERR_SOCKET' }), 'reset'],
      [fetchFailed('connect EHOSTUNREACH 10.0.0.1:443', { code: 'EHOSTUNREACH' }), 'unreachable'],
      [fetchFailed('Connect Timeout Error', { code: 'UND_ERR_CONNECT_TIMEOUT' }), 'timeout'],
      [new DOMException('This operation was aborted', 'AbortError'), 'aborted'],
    ] as const;
    for (const [error, kind] of kinds) assert.equal(describeFetchFailure(error).kind, kind);
  });

  it('gives the message of a plain error, and a string for what is no error', () => {
    assert.deepEqual(describeFetchFailure(new Error('HTTP 404')), {
      kind: 'other',
      text: 'HTTP 404',
    });
    assert.deepEqual(describeFetchFailure('boom'), { kind: 'other', text: 'boom' });
  });
});
