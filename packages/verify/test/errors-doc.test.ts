// docs/verify.md lists every refusal code with its status, wire error and description, and the
// challenge text stays quotable; a test keeps the registry and the page in step.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { VERIFY_ERRORS, type VerifyErrorCode } from '../src/index.ts';

const doc = readFileSync(new URL('../../../docs/verify.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it('is documented row by row in docs/verify.md', () => {
    const rows = new Map<string, string[]>();
    for (const line of doc.split('\n')) {
      const m = /^\| `([a-z]+\.[a-z_]+)` \| (\d{3}) \| (.+?) \| (.+?) \|$/.exec(line);
      if (m !== null) rows.set(m[1]!, [m[2]!, m[3]!, m[4]!]);
    }
    for (const [code, spec] of Object.entries(VERIFY_ERRORS)) {
      const row = rows.get(code);
      assert.ok(row !== undefined, `${code} is not in docs/verify.md`);
      const wire = 'wire' in spec ? `\`${spec.wire}\`` : '—';
      assert.deepEqual(row, [String(spec.status), wire, spec.description], code);
    }
    for (const code of rows.keys())
      assert.ok(code in VERIFY_ERRORS, `${code} is documented but unknown`);
  });

  it('has descriptions that fit in a quoted-string unescaped', () => {
    for (const code of Object.keys(VERIFY_ERRORS) as VerifyErrorCode[]) {
      assert.match(VERIFY_ERRORS[code].description, /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/, code);
    }
  });
});
