#!/usr/bin/env node
// `npm run schemas`: writes the JSON Schemas of broker.yaml and gateway.yaml, generated from their
// zod schemas, into the packages that ship them. Run it after changing an option; the test
// packages/cli/test/config-schemas.test.ts fails while a checked-in file differs from this output
// (compared as JSON: the layout is Biome's, applied here after writing). Runs under tsx (the
// package script), which loads the TypeScript sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brokerConfigJsonSchema } from '../packages/broker/src/config/json-schema.ts';
import { gatewayConfigJsonSchema } from '../packages/gateway/src/config/json-schema.ts';

const root = new URL('..', import.meta.url).pathname;

/** What `npm run schemas` writes: path (from the repository root) → file text. */
export function configSchemaFiles() {
  const text = (schema) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'packages/broker/schema/broker.schema.json': text(brokerConfigJsonSchema()),
    'packages/gateway/schema/gateway.schema.json': text(gatewayConfigJsonSchema()),
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  for (const [path, text] of Object.entries(configSchemaFiles())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    console.log(`wrote ${path}`);
  }
  const biome = join(root, 'scripts/biome.mjs');
  const files = Object.keys(configSchemaFiles()).map((path) => join(root, path));
  const format = spawnSync(process.execPath, [biome, 'format', '--write', ...files], {
    stdio: 'inherit',
  });
  process.exitCode = format.status ?? 1;
}
