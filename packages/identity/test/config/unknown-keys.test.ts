// An unknown option in a config file is refused with the option meant, when one is within two
// edits among the keys valid at that place (not anywhere in the file).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBrokerConfig } from '@rolegate/broker';
import { ConfigError } from '@rolegate/core';
import { parseGatewayConfig } from '@rolegate/gateway';

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'config.invalid');
    return error.issues;
  }
  assert.fail('expected a ConfigError');
}

const broker = { issuer: 'https://broker.example', loginPolicy: 'p.json' };

describe('unknown options', () => {
  it('suggests the top-level option meant', () => {
    assert.deepEqual(
      issuesOf(() => parseBrokerConfig({ ...broker, logleve: 'debug' })),
      ['logleve: unknown option (did you mean logLevel?)'],
    );
  });

  it('suggests among the keys of the mapping the typo sits in, through defaults and optionals', () => {
    assert.deepEqual(
      issuesOf(() =>
        parseBrokerConfig({
          ...broker,
          listen: { prot: 1 },
          replay: { redis: { url: 'redis://cache:6379', keyprefix: 'x' } },
          tokens: { ttlSecond: 900 },
        }),
      ),
      [
        'listen.prot: unknown option (did you mean port?)',
        'tokens.ttlSecond: unknown option (did you mean ttlSeconds?)',
        'replay.redis.keyprefix: unknown option (did you mean keyPrefix?)',
      ],
    );
  });

  it('suggests inside arrays (x509 profiles, gateway services)', () => {
    const issues = issuesOf(() =>
      parseGatewayConfig({
        listeners: [{ port: 0, hots: '127.0.0.1' }],
        services: [
          {
            name: 'a',
            listener: { hosts: ['a.example'] },
            upstream: { url: 'http://127.0.0.1:1' },
            polcy: 'p.json',
          },
        ],
      }),
    );
    assert.ok(
      issues.includes('listeners.0.hots: unknown option (did you mean host?)'),
      issues.join('\n'),
    );
    assert.ok(
      issues.includes('services.0.polcy: unknown option (did you mean policy?)'),
      issues.join('\n'),
    );
  });

  it('suggests nothing for a key far from every valid one', () => {
    assert.deepEqual(
      issuesOf(() => parseBrokerConfig({ ...broker, upstream: 'x' })),
      ['upstream: unknown option'],
    );
  });
});
