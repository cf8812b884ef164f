#!/usr/bin/env node
// Size and start-up time of the single-file executable beside the npm-installed CLI (the same
// built code run by this Node through packages/cli/bin/rolegate.js) and `node -e 0`, the anchor:
// machines differ, so the ratios to the anchor measured in the same run are what to quote.
// The commands run interleaved, round after round, so that a load that comes and goes weighs on
// every row alike; the table gives the median and the fastest run of each.
// Usage: node scripts/sea/measure.mjs [--runs N] (default 30; after `npm run sea`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(new URL('../..', import.meta.url).pathname);
const sea = join(root, 'dist-sea', 'rolegate');
const installed = join(root, 'packages', 'cli', 'bin', 'rolegate.js');
if (!existsSync(sea)) {
  console.error('sea measure: dist-sea/rolegate is missing; run `npm run sea` first');
  process.exit(1);
}
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);

const scratch = mkdtempSync(join(tmpdir(), 'rolegate-sea-measure-'));
const policy = join(scratch, 'policy.json');
writeFileSync(
  policy,
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}',
);

const node = process.execPath;
const rows = [
  { name: 'node -e 0 (anchor)', file: node, args: ['-e', '0'] },
  { name: 'npm CLI --version', file: node, args: [installed, '--version'] },
  { name: 'SEA --version', file: sea, args: ['--version'] },
  { name: 'npm CLI policy check', file: node, args: [installed, 'policy', 'check', policy] },
  { name: 'SEA policy check', file: sea, args: ['policy', 'check', policy] },
];
for (const row of rows) row.times = [];

for (let round = -1; round < runs; round++) {
  for (const row of rows) {
    const started = process.hrtime.bigint();
    const result = spawnSync(row.file, row.args, { cwd: scratch, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${row.name} exited with ${result.status}`);
    if (round >= 0) row.times.push(ms); // round -1 warms the page cache
  }
}
rmSync(scratch, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const anchor = median(rows[0].times);
const mib = (path) => (statSync(path).size / 2 ** 20).toFixed(1);
console.log(
  `node ${process.version}, ${runs} interleaved runs each; SEA ${mib(sea)} MiB (this node: ${mib(node)} MiB)`,
);
console.log('| command | median ms | fastest ms | median / node -e 0 |');
console.log('|---|---:|---:|---:|');
for (const row of rows) {
  const m = median(row.times);
  console.log(
    `| ${row.name} | ${m.toFixed(0)} | ${Math.min(...row.times).toFixed(0)} | ${(m / anchor).toFixed(2)}x |`,
  );
}
