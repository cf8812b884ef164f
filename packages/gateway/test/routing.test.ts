// Routing by Host and normalised path: most specific host first, longest prefix within it, and
// prefixes that match on segment boundaries only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHost } from '../src/http/host.ts';
import { buildRouteTable } from '../src/routing/route-table.ts';

describe('route table', () => {
  const table = buildRouteTable([
    { hosts: ['api.example.com'], pathPrefix: '/', target: 'api' },
    { hosts: ['api.example.com'], pathPrefix: '/admin', target: 'api-admin' },
    { hosts: ['*.example.com'], pathPrefix: '/', target: 'wild' },
    { hosts: ['*.eu.example.com'], pathPrefix: '/', target: 'wild-eu' },
    { hosts: undefined, pathPrefix: '/shared/', target: 'shared' },
    { hosts: undefined, pathPrefix: '/', target: 'fallback' },
  ]);

  for (const [host, path, expected] of [
    ['api.example.com', '/x', 'api'],
    ['API.Example.COM:8443', '/x', 'api'],
    ['api.example.com.', '/x', 'api'],
    ['api.example.com', '/admin', 'api-admin'],
    ['api.example.com', '/admin/users', 'api-admin'],
    ['api.example.com', '/administrator', 'api'],
    ['other.example.com', '/x', 'wild'],
    ['a.eu.example.com', '/x', 'wild-eu'],
    ['example.com', '/x', 'fallback'],
    ['evil-example.com', '/x', 'fallback'],
    [undefined, '/shared/x', 'shared'],
    ['nobody.test', '/shared', 'fallback'],
  ] as const) {
    it(`${host ?? '(no host)'} ${path} → ${expected}`, () => {
      assert.equal(
        table.match(host === undefined ? undefined : parseHost(host).name, path),
        expected,
      );
    });
  }

  it('matches nothing when no rule applies', () => {
    const strict = buildRouteTable([{ hosts: ['a.example'], pathPrefix: '/api', target: 1 }]);
    assert.equal(strict.match('a.example', '/apix'), undefined);
    assert.equal(strict.match('b.example', '/api'), undefined);
  });

  it('reads host names the way clients send them', () => {
    assert.equal(parseHost('[::1]:8080').name, '[::1]');
    assert.equal(parseHost('Example.org').name, 'example.org');
  });
});
