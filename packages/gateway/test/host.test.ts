// The Host header, read once (RFC 9112 §3.2: an invalid Host is a 400): what routing matches and
// what the upstream receives, and every spelling URL parsers read differently refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GatewayError } from '../src/errors/gateway-error.ts';
import { parseHost } from '../src/http/host.ts';

describe('Host header', () => {
  for (const [value, name, header] of [
    ['api.example.com', 'api.example.com', 'api.example.com'],
    ['API.Example.COM:8443', 'api.example.com', 'api.example.com:8443'],
    ['api.example.com.', 'api.example.com', 'api.example.com'],
    ['api.example.com.:80', 'api.example.com', 'api.example.com:80'],
    ['api.example.com:080', 'api.example.com', 'api.example.com:80'],
    ['api.example.com:', 'api.example.com', 'api.example.com'],
    ['my_host.internal', 'my_host.internal', 'my_host.internal'],
    ['localhost', 'localhost', 'localhost'],
    ['127.0.0.1:8080', '127.0.0.1', '127.0.0.1:8080'],
    ['255.255.255.255', '255.255.255.255', '255.255.255.255'],
    ['[::1]', '[::1]', '[::1]'],
    ['[2001:DB8::1]:443', '[2001:db8::1]', '[2001:db8::1]:443'],
    // One spelling per IPv6 address (RFC 5952), as URL parsers write it.
    ['[0:0::1]', '[::1]', '[::1]'],
    ['[0:0:0:0:0:0:0:1]:8080', '[::1]', '[::1]:8080'],
    ['[::0001]', '[::1]', '[::1]'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:7f00:1]'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['1a.example', '1a.example', '1a.example'],
    ['example.1a', 'example.1a', 'example.1a'],
  ] as const) {
    it(`${value} → ${name} (sent upstream as ${header})`, () => {
      assert.deepEqual(parseHost(value), { name, header });
    });
  }

  for (const value of [
    '',
    '.',
    ':80',
    'public.internal:80@admin.internal',
    'user@admin.internal',
    'admin.internal#.public.internal',
    'public.internal/admin',
    'public.internal\\admin',
    'public.internal?x',
    'public.internal, admin.internal',
    'public.internal admin.internal',
    'public..internal',
    '.public.internal',
    'public.internal..',
    'public%2einternal',
    'caf\u00e9.example',
    'a!b.example',
    `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(127)}ab`,
    '0x7f.0.0.1',
    '0x7f000001',
    '2130706433',
    '127.1',
    '127.0.0.01',
    '256.0.0.1',
    '017.0.0.1',
    'example.123',
    'example.0x10',
    'host:99999',
    'host:-1',
    'host:8o',
    'host:80:80',
    '[::1',
    '[::1]x',
    '[::1]:99999',
    '[fe80::1%25eth0]',
    '[v1.fe80::a+en1]',
    '[127.0.0.1]',
  ]) {
    it(`refuses ${JSON.stringify(value)} with request.bad_host`, () => {
      assert.throws(
        () => parseHost(value),
        (e: unknown) =>
          e instanceof GatewayError && e.code === 'request.bad_host' && e.status === 400,
      );
    });
  }

  it('either refuses with request.bad_host or gives a canonical host that parses to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (value) => {
        let host: ReturnType<typeof parseHost>;
        try {
          host = parseHost(value);
        } catch (error) {
          assert.ok(error instanceof GatewayError && error.code === 'request.bad_host');
          return;
        }
        assert.deepEqual(parseHost(host.header), host);
        assert.match(host.header, /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/);
        // A URL parser reads the same host out of it.
        const url = new URL(`http://${host.header}/`);
        assert.equal(url.hostname, host.name);
      }),
      { numRuns: 3_000 },
    );
  });
});
