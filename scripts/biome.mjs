#!/usr/bin/env node
// Runs Biome from its platform package. We depend on the platform packages directly (as optional
// dependencies, so npm installs the one that fits) instead of the @biomejs/biome wrapper, because
// the wrapper lists every platform's package and `npm ci` refuses a lock file that lacks any of
// them — and the registry this project builds from serves only the Linux ones.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const name = `@biomejs/cli-${process.platform}-${process.arch}`;
let binary;
try {
  binary = require.resolve(`${name}/biome`);
} catch {
  console.error(`biome: no ${name} installed; add it as an optional dependency for this platform`);
  process.exit(1);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
