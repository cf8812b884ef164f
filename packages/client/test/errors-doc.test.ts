// docs/errors.md documents every client code, so a caller reading an error's `code` finds it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { CLIENT_ERRORS } from '../src/errors.ts';

it('docs/errors.md has a row for every client code', () => {
  const doc = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
  for (const code of Object.keys(CLIENT_ERRORS)) {
    assert.match(doc, new RegExp(`^\\| \`${code.replace('.', '\\.')}\` \\|`, 'm'), code);
  }
});
