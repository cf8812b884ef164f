#!/usr/bin/env node
// Checks the systemd units in deploy/systemd/ (docs/deployment.md):
//   1. `systemd-analyze verify` — which needs ExecStart's program to exist, so each unit is checked
//      as a copy whose /usr/local/bin/rolegate is an executable stub in a temporary folder. verify
//      exits 0 on unknown keys and unparsable values (it only prints them), so any output fails;
//   2. `systemd-analyze security --offline=true`: the exposure score must stay at or under 2.5
//      (of 10; the units score 1.5 on systemd 252);
//   3. the directives the deployment relies on are there, and MemoryDenyWriteExecute= is not
//      (V8's JIT writes code, then runs it: Node cannot start under it).
// Skipped, with a message, where systemd-analyze is not installed; CI installs systemd.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const unitsDir = join(root, 'deploy', 'systemd');
const INSTALLED_BINARY = '/usr/local/bin/rolegate';
const MAX_EXPOSURE = 25; // tenths, as --threshold= takes it
const REQUIRED = [
  'DynamicUser=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
  'SystemCallFilter=@system-service',
  'ConfigurationDirectory=rolegate',
  'ExecReload=/bin/kill -HUP $MAINPID',
  'Restart=on-failure',
];

if (spawnSync('systemd-analyze', ['--version']).error !== undefined) {
  console.log('check-systemd: skipped, systemd-analyze is not installed (apt-get install systemd)');
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), 'rolegate-systemd-'));
const stub = join(scratch, 'rolegate');
writeFileSync(stub, '#!/bin/sh\nexit 0\n');
chmodSync(stub, 0o755);
const results = [];
const check = (name, problem) => {
  results.push(problem === undefined);
  console.log(problem === undefined ? `ok   ${name}` : `FAIL ${name}\n${problem}`);
};

for (const name of readdirSync(unitsDir).filter((f) => f.endsWith('.service'))) {
  const text = readFileSync(join(unitsDir, name), 'utf8');
  const lines = text.split('\n').map((l) => l.trim());
  const missing = REQUIRED.filter((d) => !lines.includes(d));
  if (!lines.some((l) => /^StateDirectory=rolegate/.test(l))) missing.push('StateDirectory=');
  if (!lines.some((l) => /^EnvironmentFile=-?\/etc\/rolegate\//.test(l)))
    missing.push('EnvironmentFile=');
  if (!lines.some((l) => /^LimitNOFILE=\d+$/.test(l))) missing.push('LimitNOFILE=');
  const mdwe = lines.some((l) => /^MemoryDenyWriteExecute=/.test(l));
  check(
    `${name}: hardening directives`,
    missing.length > 0 || mdwe
      ? `missing: ${missing.join(', ')}${mdwe ? '; MemoryDenyWriteExecute= breaks V8' : ''}`
      : undefined,
  );

  const copy = join(scratch, name);
  if (!text.includes(`ExecStart=${INSTALLED_BINARY} `))
    check(`${name}: ExecStart`, `ExecStart does not run ${INSTALLED_BINARY}`);
  writeFileSync(copy, text.replaceAll(INSTALLED_BINARY, stub));
  const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
  const said = `${verify.stdout}${verify.stderr}`.trim();
  check(
    `${name}: systemd-analyze verify`,
    verify.status !== 0 || said !== '' ? said || `exit ${verify.status}` : undefined,
  );

  const security = spawnSync(
    'systemd-analyze',
    ['security', '--offline=true', `--threshold=${MAX_EXPOSURE}`, '--no-pager', copy],
    { encoding: 'utf8' },
  );
  const score = /Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout)?.[1];
  check(
    `${name}: exposure ${score ?? '?'} (at most ${MAX_EXPOSURE / 10})`,
    security.status !== 0 || score === undefined
      ? `${security.stdout.split('\n').slice(-3).join('\n')}${security.stderr}`
      : undefined,
  );
}

rmSync(scratch, { recursive: true, force: true });
const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
