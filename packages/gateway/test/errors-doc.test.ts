// docs/gateway.md lists every gateway code with its status, error and description, and nothing
// else; the codes shared with @rolegate/verify mean the same there; every broker code an STS proof
// can fail with folds into a gateway code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IDENTITY_ERRORS, IdentityError, type IdentityErrorCode } from '@rolegate/identity';
import { VERIFY_ERRORS } from '@rolegate/verify';
import { fromIdentityError } from '../src/errors/gateway-error.ts';
import { GATEWAY_ERRORS } from '../src/index.ts';

const doc = readFileSync(new URL('../../../docs/gateway.md', import.meta.url), 'utf8');

describe('gateway error registry', () => {
  it('is documented row by row in docs/gateway.md', () => {
    const rows = new Map<string, string[]>();
    for (const line of doc.split('\n')) {
      const m = /^\| `([a-z]+\.[a-z_]+)` \| (\d{3}) \| (.+?) \| (.+?) \|$/.exec(line);
      if (m !== null) rows.set(m[1]!, [m[2]!, m[3]!, m[4]!]);
    }
    for (const [code, spec] of Object.entries(GATEWAY_ERRORS)) {
      const wire = 'wire' in spec ? `\`${spec.wire}\`` : '—';
      assert.deepEqual(rows.get(code), [String(spec.status), wire, spec.description], code);
    }
    assert.deepEqual([...rows.keys()].sort(), Object.keys(GATEWAY_ERRORS).sort());
  });

  it('keeps every @rolegate/verify code, with the same status', () => {
    for (const [code, spec] of Object.entries(VERIFY_ERRORS)) {
      const mine = (GATEWAY_ERRORS as Record<string, { status: number }>)[code];
      assert.equal(mine?.status, spec.status, code);
    }
  });

  it('folds every proof, STS and identity code of the broker into a 401 or a 503', () => {
    for (const code of Object.keys(IDENTITY_ERRORS) as IdentityErrorCode[]) {
      if (!/^(proof|sts|identity)\./.test(code) && code !== 'broker.replay_cache_unavailable')
        continue;
      const mapped = fromIdentityError(new IdentityError(code));
      const expected =
        IDENTITY_ERRORS[code].status === 429 || IDENTITY_ERRORS[code].status === 503 ? 503 : 401;
      assert.equal(mapped.status, expected, `${code} → ${mapped.code}`);
    }
  });

  it('has descriptions that fit in a quoted-string unescaped', () => {
    for (const [code, spec] of Object.entries(GATEWAY_ERRORS)) {
      assert.match(spec.description, /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/, code);
    }
  });
});
