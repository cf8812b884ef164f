// The header reader, fuzzed: whatever headers arrive, it either describes one original request —
// one Host, none of the describing headers left for the policy, the method a token — or refuses
// with forwardauth.bad_original; it never throws anything else and never lets a second
// description through.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { it } from 'node:test';
import fc from 'fast-check';
import { isGatewayError } from '../../src/errors/gateway-error.ts';
import { readOriginal } from '../../src/forward-auth/original-request.ts';
import { parseGatewayConfig } from '../../src/index.ts';

const NAMES = [
  'host',
  'x-forwarded-method',
  'X-Forwarded-Uri',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-for',
  'x-forwarded-port',
  'X-Original-Method',
  'x-original-uri',
  'x-original-url',
  'forwarded',
  'authorization',
  'x-secret',
  'x-tenant',
];
const DESCRIBING = new Set(NAMES.slice(1, 11).map((n) => n.toLowerCase()));

const value = fc.oneof(
  fc.constantFrom(
    'GET',
    'POST',
    '/public/x',
    'billing.example',
    'https',
    '10.0.0.1',
    'http://a/b',
    '',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 24 }),
);
const headerList = fc.array(fc.tuple(fc.constantFrom(...NAMES), value), { maxLength: 12 });
const listeners = parseGatewayConfig({
  services: [{ name: 's', upstreams: ['http://127.0.0.1:1'] }],
  forwardAuth: {
    listeners: [
      { convention: 'x-forwarded' },
      { convention: 'x-original' },
      { convention: 'x-original', hostHeader: 'x-original-url' },
      { convention: 'envoy', pathPrefix: '/authz' },
    ],
  },
}).forwardAuth!.listeners;

it('describes one request or refuses with forwardauth.bad_original', () => {
  fc.assert(
    fc.property(
      headerList,
      fc.constantFrom(...listeners),
      fc.constantFrom('GET', 'DELETE'),
      fc.constantFrom('/authz/x', '/auth', '/authz', '*'),
      (pairs, listener, method, url) => {
        const req = { rawHeaders: pairs.flat(), method, url } as unknown as IncomingMessage;
        try {
          const { view } = readOriginal(req, listener, 'x-secret');
          const names = [];
          for (let i = 0; i < view.rawHeaders.length; i += 2)
            names.push(view.rawHeaders[i]!.toLowerCase());
          assert.equal(names.filter((n) => n === 'host').length, 1);
          assert.equal(
            names.some((n) => DESCRIBING.has(n) || n === 'x-secret'),
            false,
          );
          assert.match(view.method ?? '', /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
          if (listener.convention !== 'envoy' && listener.hostHeader !== 'x-original-url') {
            // The description came from exactly one header of the listener's own convention.
            const mine =
              listener.convention === 'x-forwarded' ? 'x-forwarded-uri' : 'x-original-uri';
            const sent = pairs.filter(([n]) => n.toLowerCase() === mine);
            assert.equal(sent.length, 1);
            assert.equal(view.url, sent[0]![1]);
          }
        } catch (error) {
          if (!isGatewayError(error) || error.code !== 'forwardauth.bad_original') throw error;
        }
      },
    ),
    { numRuns: 3_000 },
  );
});
