// What createSession does with the endpoint it is given and with what comes back, where an
// endpoint (or anything between it and us) is not to be trusted: the session's secret key never
// travels over plain HTTP off this machine, and the service's words reach the terminal as
// printable ASCII only — the error type header included, whose bytes 0x80-0xff may be C1 controls.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRootAuthority } from '@rolegate/testkit';
import { RolegateClientError } from '../src/errors.ts';
import { createSession } from '../src/roles-anywhere/create-session.ts';

const leaf = createRootAuthority().createIntermediate().issueLeaf();
const ACCOUNT = '111122223333';
const input = (endpoint: string) => ({
  endpoint,
  region: 'eu-west-1',
  trustAnchorArn: `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:trust-anchor/ta`,
  profileArn: `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:profile/p`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
  certificate: leaf.der,
  privateKey: createPrivateKey(leaf.key.privateKeyPem),
  timeoutMs: 5000,
});

async function failure(run: () => Promise<unknown>): Promise<RolegateClientError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof RolegateClientError, String(error));
    return error;
  }
  assert.fail('no error');
}

describe('createSession and a hostile answer', () => {
  let server: Server;
  let url: string;
  before(async () => {
    // Raw bytes, so the header can hold what an HTTP library would not write.
    server = createServer((socket) => {
      socket.once('data', () => {
        const body = JSON.stringify({ message: 'denied\u009b2J\u001b]0;title\u0007 here' });
        const head =
          'HTTP/1.1 403 Forbidden\r\n' +
          'x-amzn-ErrorType: AccessDenied\x9b2J\x9b31mException:http://internal/\r\n' +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          'connection: close\r\n\r\n';
        socket.end(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('shows the error type and message as printable ASCII only', async () => {
    const error = await failure(() => createSession(input(url)));
    assert.equal(error.code, 'client.roles_anywhere_refused', error.message);
    assert.match(error.message, /AccessDenied/);
    assert.doesNotMatch(error.message, /[^\x20-\x7e…]/u, JSON.stringify(error.message));
  });
});

describe('createSession endpoints', () => {
  it('refuses plain http to another machine, before anything is sent', async () => {
    for (const endpoint of [
      'http://rolesanywhere.eu-west-1.amazonaws.com',
      'http://192.0.2.10:8443',
      'http://localhost.example.org',
    ]) {
      const error = await failure(() => createSession(input(endpoint)));
      assert.equal(error.code, 'client.invalid_option', endpoint);
    }
  });

  it('allows plain http to a loopback address (an emulator)', async () => {
    // Nothing listens on port 9 of loopback: unreachable, not refused as an option.
    for (const endpoint of ['http://127.0.0.1:9', 'http://localhost:9', 'http://[::1]:9']) {
      const error = await failure(() => createSession(input(endpoint)));
      assert.equal(error.code, 'client.roles_anywhere_unreachable', endpoint);
    }
  });
});

describe('createSession and an endpoint that misbehaves', () => {
  /** A raw server answering every request with `reply` (or never, for undefined). */
  async function rawServer(reply: string | undefined): Promise<{ url: string; server: Server }> {
    const server = createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        if (reply !== undefined) socket.end(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, server };
  }
  const closeAll = (server: Server) => {
    server.close();
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  };

  it('a server that never answers: unreachable, naming the deadline', async () => {
    const { url, server } = await rawServer(undefined);
    try {
      const error = await failure(() => createSession({ ...input(url), timeoutMs: 300 }));
      assert.equal(error.code, 'client.roles_anywhere_unreachable');
      assert.match(error.message, /300 ms/);
    } finally {
      closeAll(server);
    }
  });

  it('a redirect is not followed: a bad response', async () => {
    const { url, server } = await rawServer(
      'HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:1/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
    );
    try {
      const error = await failure(() => createSession(input(url)));
      assert.equal(error.code, 'client.roles_anywhere_bad_response');
    } finally {
      closeAll(server);
    }
  });

  it('an answer larger than a credential set: a bad response, read no further', async () => {
    const { url, server } = await rawServer(
      `HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${'x'.repeat(300 * 1024)}`,
    );
    try {
      const error = await failure(() => createSession(input(url)));
      assert.equal(error.code, 'client.roles_anywhere_bad_response');
    } finally {
      closeAll(server);
    }
  });

  it('a connection closed in the middle of the body: unreachable', async () => {
    const { url, server } = await rawServer(
      'HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"credentialSet":',
    );
    try {
      const error = await failure(() => createSession(input(url)));
      assert.equal(error.code, 'client.roles_anywhere_unreachable');
    } finally {
      closeAll(server);
    }
  });
});
