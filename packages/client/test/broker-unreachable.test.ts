// A broker that cannot be reached is reported with the reason, not undici's bare 'fetch failed':
// a closed port, a certificate the client does not trust (verification on, as by default), a
// certificate for another host, a broker that never answers — all on loopback.
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestCa, issueServerCert, type TestCa } from '@rolegate/testkit';
import {
  discoverLoginAudience,
  exchangeToken,
  requestTokenWithTlsCertificate,
  STS_PROOF_TOKEN_TYPE,
} from '../src/index.ts';

const listen = async (server: Server | HttpsServer): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
};

const exchange = (brokerUrl: string, timeoutMs?: number) =>
  exchangeToken({
    brokerUrl,
    audience: 'https://billing.example',
    subjectToken: 'rgsts1.x',
    subjectTokenType: STS_PROOF_TOKEN_TYPE,
    timeoutMs,
  });

describe('client.broker_unreachable names the cause', () => {
  let ca: TestCa;
  let localhostOnly: { certPem: string; keyPem: string; chainPem: string };
  let untrusted: HttpsServer;
  let untrustedPort: number;
  const sockets = new Set<Socket>();
  // Accepts connections and never answers (neither HTTP nor a TLS handshake).
  const silent = createServer((socket) => sockets.add(socket));
  let silentPort: number;

  before(async () => {
    ca = await createTestCa();
    localhostOnly = await issueServerCert(ca, { hosts: ['localhost'] });
    untrusted = createHttpsServer(
      { cert: localhostOnly.chainPem, key: localhostOnly.keyPem },
      (_req, res) => res.end('{}'),
    );
    untrustedPort = await listen(untrusted);
    silentPort = await listen(silent);
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    untrusted.close();
    silent.close();
  });

  it('a closed port: connection refused, and where', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const refused = new RegExp(
      `connection refused: nothing listens at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
    );
    await assert.rejects(exchange(`http://127.0.0.1:${port}`), {
      code: 'client.broker_unreachable',
      message: refused,
    });
    await assert.rejects(discoverLoginAudience(`http://127.0.0.1:${port}`), {
      code: 'client.broker_unreachable',
      message: refused,
    });
  });

  it("a certificate the client does not trust: TLS, and OpenSSL's reason", async () => {
    await assert.rejects(exchange(`https://127.0.0.1:${untrustedPort}`), {
      code: 'client.broker_unreachable',
      message:
        /^cannot reach the broker at https:\/\/127\.0\.0\.1:\d+: TLS: the server's certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN: self-signed /,
    });
    await assert.rejects(discoverLoginAudience(`https://127.0.0.1:${untrustedPort}`), {
      code: 'client.broker_unreachable',
      message: /: TLS: the server's certificate is not trusted \(/,
    });
  });

  it('a trusted certificate for another host name: TLS, not for this host', async () => {
    await assert.rejects(
      requestTokenWithTlsCertificate({
        brokerUrl: `https://127.0.0.1:${untrustedPort}`,
        audience: 'https://billing.example',
        // Any certificate with its key will do: the handshake fails on the server's name first.
        certificate: localhostOnly.certPem,
        privateKey: localhostOnly.keyPem,
        ca: ca.certPem,
      }),
      {
        code: 'client.broker_unreachable',
        message:
          /: TLS: the server's certificate is not for this host name \(ERR_TLS_CERT_ALTNAME_INVALID: /,
      },
    );
  });

  it('a broker that never answers: timed out, and after how long', async () => {
    await assert.rejects(exchange(`http://127.0.0.1:${silentPort}`, 200), {
      code: 'client.broker_unreachable',
      message: /: timed out: no answer within 200 ms$/,
    });
    await assert.rejects(
      requestTokenWithTlsCertificate({
        brokerUrl: `https://127.0.0.1:${silentPort}`,
        audience: 'https://billing.example',
        certificate: localhostOnly.certPem,
        privateKey: localhostOnly.keyPem,
        ca: ca.certPem,
        timeoutMs: 200,
      }),
      { code: 'client.broker_unreachable', message: /: timed out: no answer within 200 ms$/ },
    );
  });
});
