#!/usr/bin/env node
// Keeps the package graph the one docs/architecture.md draws. The allowed arrows are read from the
// ```layers block of that document (one line per package: `name: allowed, allowed`), and every
// package is held to them:
// - its package.json lists as @rolegate dependencies only packages it may use;
// - every import of `@rolegate/…` in its src/ names an allowed package that it also declares;
// - no import in src/ reaches into another package by a relative path.
// Tests, benches and scripts may use anything. Exits 1 with one line per violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
const block = /```layers\n([\s\S]*?)```/.exec(doc);
if (block === null) {
  console.error('check-layers: docs/architecture.md has no ```layers block');
  process.exit(1);
}
/** package name → the @rolegate packages it may import. */
const allowed = new Map();
for (const line of block[1].split('\n')) {
  const m = /^\s*([@a-z/-]+)\s*:\s*(.*)$/.exec(line);
  if (m === null) continue;
  allowed.set(
    m[1],
    new Set(
      m[2]
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== '-'),
    ),
  );
}

const problems = [];
const packagesDir = join(root, 'packages');

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

// `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*\(?\s*['"]([^'"]+)['"]/g;

for (const dir of readdirSync(packagesDir)) {
  const pkgDir = join(packagesDir, dir);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const name = manifest.name;
  const mayUse = allowed.get(name);
  if (mayUse === undefined) {
    problems.push(`${name}: not in the layers block of docs/architecture.md`);
    continue;
  }
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  for (const dep of declared) {
    if (dep.startsWith('@rolegate/') && !mayUse.has(dep)) {
      problems.push(`${name}: depends on ${dep}, which it must not (docs/architecture.md)`);
    }
  }
  for (const file of sourceFiles(join(pkgDir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('@rolegate/')) {
        const target = spec.split('/').slice(0, 2).join('/');
        if (!mayUse.has(target))
          problems.push(`${where}: imports ${target}, which ${name} must not`);
        else if (!declared.has(target)) problems.push(`${where}: imports ${target}, undeclared`);
      } else if (spec.startsWith('.')) {
        const resolved = resolve(join(file, '..'), spec);
        if (!resolved.startsWith(`${pkgDir}/`)) {
          problems.push(`${where}: reaches into ${relative(root, resolved)} by a relative path`);
        }
      }
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-layers: ${p}`);
  process.exit(1);
}
console.log(
  `check-layers: ${allowed.size} packages, every arrow points the way docs/architecture.md draws`,
);
