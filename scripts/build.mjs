#!/usr/bin/env node
// Builds every workspace to its dist/ (ES modules, .d.ts, source maps with their sources inline)
// with plain tsc, in dependency order: a package compiles against the declarations its
// dependencies emitted just before. Runs on `npm ci` (prepare), so `npx rolegate` and the packed
// tarballs are always built from the checkout. Usage: node scripts/build.mjs [--clean]
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const packages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'tsconfig.build.json')))
  .map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    const deps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@rolegate/'));
    return { dir, name: manifest.name, deps };
  });

/** Dependencies first; a cycle is a layering error, reported as one. */
function buildOrder() {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const done = new Set();
  const order = [];
  const visit = (p, path) => {
    if (done.has(p.name)) return;
    if (path.includes(p.name))
      throw new Error(`dependency cycle: ${[...path, p.name].join(' → ')}`);
    for (const dep of p.deps) if (byName.has(dep)) visit(byName.get(dep), [...path, p.name]);
    done.add(p.name);
    order.push(p);
  };
  for (const p of packages) visit(p, []);
  return order;
}

/** Files in src/ that tsc does not emit (the Workload API's .proto): copied beside the output. */
function copyAssets(src, dist) {
  for (const name of readdirSync(src)) {
    const path = join(src, name);
    if (statSync(path).isDirectory()) copyAssets(path, join(dist, name));
    else if (!name.endsWith('.ts')) {
      const target = join(dist, relative(src, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }
}

const clean = process.argv.includes('--clean');
const started = Date.now();
for (const p of buildOrder()) {
  const dir = join(root, 'packages', p.dir);
  if (clean) rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`build: ${p.name} failed`);
    process.exit(1);
  }
  copyAssets(join(dir, 'src'), join(dir, 'dist'));
}
console.log(
  `build: ${packages.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
