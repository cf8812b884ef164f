#!/usr/bin/env node
// Runs every packages/*/test/**/*.test.ts file with Node's own test runner through tsx.
// Node 20's `--test` does not expand globs nor pick up .ts files, so we list them here.
// Usage: npm test [-- <substring filter on file paths>]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = readdirSync(join(root, 'packages'))
  .map((pkg) => join(root, 'packages', pkg, 'test'))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
  .flatMap(listTests)
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// Tests mostly wait on loopback sockets, so a few files at a time keeps 2 cores busy. A test
// that hangs fails after four minutes (the limit also bounds a whole file, and the CLI files,
// which start `rolegate dev` and many CLI processes, take two minutes on a busy 2-core runner),
// and a file whose tests are done exits even if something
// (a forgotten server or watcher) still holds its event loop: CI reports, never stalls.
const concurrency = process.env.ROLEGATE_TEST_CONCURRENCY ?? '3';
// Tests run the TypeScript sources through tsx; the root tsconfig's `paths` send every
// `@rolegate/*` import to the sources too (never a stale dist/), in child processes as well.
const env = { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') };
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-timeout=240000',
    '--test-force-exit',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
