#!/usr/bin/env node
// A cheap lint of deploy/docker/Dockerfile, since no Docker engine runs where CI does (the image
// is not built here; docs/deployment.md): base images pinned to an exact version or a digest
// (never `latest` nor a bare major), the last stage runs as a non-root USER with a HEALTHCHECK
// and `rolegate` as ENTRYPOINT, and .dockerignore keeps node_modules, .git and local state out.
// Prints `N passed, N failed`; exits 1 on any failure.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const text = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
// One instruction per logical line (backslash continuations joined), comments dropped.
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(l);
    return { keyword: keyword.toUpperCase(), rest };
  });

const args = new Map();
const stages = [];
for (const { keyword, rest } of instructions) {
  if (keyword === 'ARG' && stages.length === 0) {
    const [name, value] = rest.split('=');
    args.set(name, value);
  } else if (keyword === 'FROM') {
    const [image, , alias] = rest.split(/\s+/);
    const resolved = image.replace(/^\$\{(\w+)\}$|^\$(\w+)$/, (_, a, b) => args.get(a ?? b) ?? '');
    stages.push({ image: resolved, alias, instructions: [] });
  } else stages.at(-1)?.instructions.push({ keyword, rest });
}
const stageNames = new Set(stages.map((s) => s.alias).filter(Boolean));
const last = stages.at(-1);
const lastOf = (keyword) => last.instructions.filter((i) => i.keyword === keyword).at(-1)?.rest;

const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(ok ? `ok   ${name}` : `FAIL ${name} ${detail}`);
};

check('multi-stage (build, runtime)', stages.length >= 2, `${stages.length} stage(s)`);
for (const { image } of stages.filter((s) => !stageNames.has(s.image))) {
  // name:1.2.3[-variant] or name@sha256:…; `latest`, `22`, `22-slim` and untagged are not pins.
  const pinned =
    /@sha256:[0-9a-f]{64}$/.test(image) || /^[^:@]+:\d+\.\d+\.\d+(-[\w.-]+)?$/.test(image);
  check(`base image ${image || '(empty)'} pinned`, pinned && !/latest/.test(image));
}
const user = lastOf('USER');
check(
  'runtime stage runs as a non-root USER',
  user !== undefined && !/^(0|root)(:|$)/.test(user),
  String(user),
);
check(
  'runtime stage has a HEALTHCHECK on /healthz',
  /healthz/i.test(text) && !!lastOf('HEALTHCHECK'),
);
check('ENTRYPOINT is rolegate', /^\[\s*"rolegate"\s*\]$/.test(lastOf('ENTRYPOINT') ?? ''));
check(
  'production dependencies only (npm ci --omit=dev)',
  last.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.rest)),
);

const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim());
for (const entry of ['**/node_modules', '.git', '.rolegate', '**/dist'])
  check(`.dockerignore leaves out ${entry}`, ignore.includes(entry));

const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
