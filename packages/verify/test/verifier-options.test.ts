// createVerifier refuses option names it does not know (a mistyped `clocktolerance` would
// otherwise leave the default leeway in force without a word), suggesting the near one. The
// suggestion is the behaviour under test, so these assertions read the TypeError's text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, type VerifierOptions } from '../src/index.ts';

const base = { issuer: 'https://broker.example', audience: 'svc' } as const;
const build = (extra: object) => () => createVerifier({ ...base, ...extra } as VerifierOptions);

describe('createVerifier option names', () => {
  it('refuses an unknown option and suggests the one meant', () => {
    assert.throws(build({ clocktolerance: 5 }), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(
        error.message,
        /clocktolerance is not an option \(did you mean clockTolerance\?\)/,
      );
      return true;
    });
    assert.throws(build({ jwksUrl: 'https://x.example/jwks' }), /did you mean jwksUri\?/);
  });

  it('refuses an unknown jwks option, with its path', () => {
    assert.throws(
      build({ jwks: { cooldownMS: 1 } }),
      /jwks\.cooldownMS .*did you mean jwks\.cooldownMs\?/,
    );
  });

  it('refuses a name far from every option without a suggestion', () => {
    assert.throws(build({ somethingElse: true }), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.doesNotMatch(error.message, /did you mean/);
      return true;
    });
  });

  it('accepts every documented option', () => {
    const verifier = createVerifier({
      ...base,
      jwksUri: 'https://broker.example/jwks.json',
      algorithms: ['RS256'],
      clockTolerance: 5,
      maxTokenLength: 4096,
      tokenCacheSize: 0,
      jwks: {
        cooldownMs: 1,
        timeoutMs: 1000,
        maxBytes: 4096,
        defaultMaxAgeMs: 1,
        maxMaxAgeMs: 1,
        maxStaleMs: 1,
      },
      allowInsecureHttp: false,
      fetch: globalThis.fetch,
      now: Date.now,
    });
    assert.equal(typeof verifier.verify, 'function');
  });
});
