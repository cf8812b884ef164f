// docs/errors.md documents every broker code with its HTTP status and OAuth error, and nothing else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { BROKER_ERRORS } from '../src/errors/codes.ts';

it('docs/errors.md lists exactly the broker codes, with their status and error', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
  const rows = new Map<string, [string, string]>();
  for (const m of doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| (\d{3}) \| `([a-z_]+)` \|/gm))
    rows.set(m[1]!, [m[2]!, m[3]!]);
  for (const [code, spec] of Object.entries(BROKER_ERRORS)) {
    assert.deepEqual(
      rows.get(code),
      [String(spec.status), spec.wire],
      `docs/errors.md row for ${code}`,
    );
  }
  assert.deepEqual([...rows.keys()].sort(), Object.keys(BROKER_ERRORS).sort());
});
