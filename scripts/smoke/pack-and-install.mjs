#!/usr/bin/env node
// Ship what we test: packs every workspace as `npm publish` would, checks the tarballs (publint,
// @arethetypeswrong/cli), installs them into a scratch project outside the repository — a
// stranger's project — and uses them there with plain Node:
//   1. `import` of every package and subpath (ES modules);
//   2. `require()` of every package and subpath from CommonJS (Node ≥ 20.19 / 22.12);
//   3. a strict `nodenext` type-check against the installed declarations (skipLibCheck off);
//   4. the installed `rolegate` CLI (`--version`, `policy check`);
//   5. an Express service protected by the installed `@rolegate/verify/express`: a token from the
//      installed `rolegate dev` gets through, a token for a caller the policy refuses does not,
//      and no token is a 401; the installed `rolegate credential-process` gets role credentials
//      from its Roles Anywhere emulator.
// Needs the packages built (`npm run build`, which `npm ci` runs) and the npm registry for the
// scratch project's third-party dependencies. Prints `N passed, N failed` last; exits 1 on any failure.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const keep = process.argv.includes('--keep');
const results = [];

function step(name, fn) {
  const started = Date.now();
  try {
    fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `FAIL ${name}\n${String(error.stdout ?? '')}${String(error.stderr ?? '')}${error.message}`,
    );
  }
}

async function stepAsync(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n${error.stack ?? error}`);
  }
}

const run = (file, args, options = {}) =>
  execFileSync(file, args, { encoding: 'utf8', stdio: 'pipe', ...options });

const workspaces = readdirSync(join(root, 'packages')).map((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
  return { dir: join(root, 'packages', dir), manifest };
});
for (const { dir, manifest } of workspaces) {
  if (!existsSync(join(dir, 'dist'))) {
    console.error(`smoke: ${manifest.name} has no dist/: run npm run build first`);
    process.exit(1);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'rolegate-smoke-'));
const tarballs = join(scratch, 'tarballs');
mkdirSync(tarballs);
console.log(`smoke: scratch project in ${scratch}`);

// 1. Pack, and lint each tarball.
const packed = new Map();
for (const { dir, manifest } of workspaces) {
  const out = run('npm', ['pack', '--silent', '--pack-destination', tarballs], { cwd: dir });
  const file = join(tarballs, out.trim().split('\n').pop());
  packed.set(manifest.name, file);
}
step('the tarballs hold dist/, README and LICENSE, and no TypeScript sources', () => {
  for (const [name, file] of packed) {
    const list = run('tar', ['-tzf', file]);
    const entries = list.split('\n');
    for (const need of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/LICENSE']) {
      if (!entries.includes(need)) throw new Error(`${name}: ${need} missing`);
    }
    if (!entries.includes('package/README.md')) throw new Error(`${name}: README.md missing`);
    const sources = entries.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts'));
    if (sources.length > 0) throw new Error(`${name}: ships TypeScript sources: ${sources[0]}`);
  }
});
for (const [name, file] of packed) {
  step(`publint ${name}`, () =>
    run(bin('publint'), ['run', file, '--strict', '--level', 'warning']),
  );
  // node10 (pre-exports) resolution is not supported: Node 20.19+ and TypeScript's node16/bundler.
  // An ES module required from CommonJS is what Node ≥ 20.19 / 22.12 does (require(esm)); attw
  // does not know it, and the require() step below proves it for real.
  step(`attw ${name}`, () =>
    run(bin('attw'), [
      file,
      '--profile',
      'node16',
      '--format',
      'ascii',
      '--ignore-rules',
      'cjs-resolves-to-esm',
    ]),
  );
}

// 2. A stranger's project with the tarballs installed.
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const version = (pkg) => lock.packages[`node_modules/${pkg}`]?.version;
const project = join(scratch, 'app');
mkdirSync(project);
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify(
    {
      name: 'a-strangers-service',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries([...packed].map(([name, file]) => [name, `file:${file}`])),
        // The peers of @rolegate/verify's framework entry points, as a user of each has them.
        express: version('express'),
        fastify: version('fastify'),
        hono: version('hono'),
      },
      devDependencies: {
        typescript: rootManifest.devDependencies.typescript,
        '@types/node': rootManifest.devDependencies['@types/node'],
        '@types/express': version('@types/express'),
      },
    },
    null,
    2,
  ),
);
step('npm install of the tarballs into a project outside the repository', () =>
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: project }),
);

const entryPoints = [];
for (const { manifest } of workspaces) {
  for (const subpath of Object.keys(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    entryPoints.push(subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`);
  }
}
// The CLI package's index (dev helpers) is imported like the others; its bin is run below.

// JSON entry points (the config files' JSON Schemas) are data: imported with their attribute,
// and left out of the type-check, which is about the declarations.
const isJson = (entry) => entry.endsWith('.json');
const codeEntryPoints = entryPoints.filter((e) => !isJson(e));

step('import every entry point from an ES module', () => {
  const code = entryPoints
    .map((e, i) =>
      isJson(e)
        ? `import m${i} from '${e}' with { type: 'json' }; if (typeof m${i}.$schema !== 'string') throw new Error('${e}: not a JSON Schema');`
        : `import * as m${i} from '${e}'; if (Object.keys(m${i}).length === 0) throw new Error('${e}: no exports');`,
    )
    .join('\n');
  writeFileSync(join(project, 'esm-check.mjs'), `${code}\nconsole.log('esm ok');\n`);
  run(process.execPath, ['esm-check.mjs'], { cwd: project });
});

step('require() every entry point from CommonJS', () => {
  const code = entryPoints
    .map(
      (e) => `if (Object.keys(require('${e}')).length === 0) throw new Error('${e}: no exports');`,
    )
    .join('\n');
  writeFileSync(join(project, 'cjs-check.cjs'), `${code}\nconsole.log('cjs ok');\n`);
  run(process.execPath, ['cjs-check.cjs'], { cwd: project });
});

step('type-check against the installed declarations (nodenext, strict, skipLibCheck off)', () => {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      include: ['typed.ts'],
    }),
  );
  writeFileSync(
    join(project, 'typed.ts'),
    `${codeEntryPoints.map((e, i) => `import * as t${i} from '${e}';`).join('\n')}
import type { Principal } from '@rolegate/core';
import { compilePolicy } from '@rolegate/policy';
import { createVerifier } from '@rolegate/verify';
import { rolegateExpress } from '@rolegate/verify/express';

const policy = compilePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}');
const verifier = createVerifier({ issuer: 'https://issuer.example', audience: 'https://svc.example' });
export const middleware = rolegateExpress({ verifier, policies: policy, serviceName: 'svc' });
export function who(p: Principal): string {
  return p.arn;
}
export const all = [${codeEntryPoints.map((_, i) => `t${i}`).join(', ')}];
`,
  );
  run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project });
});

const rolegate = join(project, 'node_modules', '.bin', 'rolegate');
step('the installed rolegate CLI runs (--version, policy check)', () => {
  const v = run(rolegate, ['--version'], { cwd: project }).trim();
  if (
    v !== JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version
  ) {
    throw new Error(`--version printed ${v}`);
  }
  writeFileSync(
    join(project, 'policy.json'),
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}',
  );
  const out = run(rolegate, ['policy', 'check', 'policy.json'], { cwd: project });
  if (!/valid/.test(out)) throw new Error(out);
});

// 3. An Express service behind the installed middleware, tokens from the installed `rolegate dev`.
await stepAsync(
  'an Express service with @rolegate/verify/express admits a dev token, refuses the others; credential-process',
  async () => {
    const stateDir = join(scratch, 'dev');
    const env = {
      ...process.env,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const dev = spawn(rolegate, ['dev', '--port', '0', '--state-dir', stateDir], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let devOutput = '';
    dev.stdout.on('data', (d) => (devOutput += d));
    dev.stderr.on('data', (d) => (devOutput += d));
    try {
      const devJson = join(stateDir, 'dev.json');
      for (let i = 0; i < 300 && !existsSync(devJson); i++) {
        if (dev.exitCode !== null) throw new Error(`rolegate dev exited:\n${devOutput}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!existsSync(devJson)) throw new Error(`rolegate dev did not start:\n${devOutput}`);
      const description = JSON.parse(readFileSync(devJson, 'utf8'));
      const audience = 'https://smoke.example';
      const token = (who) =>
        run(
          rolegate,
          ['token', '--dev-identity', who, '--audience', audience, '--state-dir', stateDir],
          { cwd: project, env },
        ).trim();
      const ordersToken = token('orders');
      const reviewsToken = token('reviews');
      writeFileSync(
        join(project, 'app.mjs'),
        `import express from 'express';
import { compilePolicy } from '@rolegate/policy';
import { createVerifier } from '@rolegate/verify';
import { getRolegate, rolegateExpress } from '@rolegate/verify/express';

const verifier = createVerifier({ issuer: ${JSON.stringify(description.broker.issuer)}, audience: ${JSON.stringify(audience)}, allowInsecureHttp: true });
const policies = compilePolicy(JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }],
}));
const app = express();
app.use(rolegateExpress({ verifier, policies, serviceName: 'smoke' }));
app.get('/invoices', (req, res) => res.json({ caller: getRolegate(req).principal?.arn }));
const server = app.listen(0, '127.0.0.1', () => console.log(server.address().port));
`,
      );
      const service = spawn(process.execPath, ['app.mjs'], {
        cwd: project,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const port = await new Promise((resolvePort, reject) => {
          service.stdout.once('data', (d) => resolvePort(Number(String(d).trim())));
          service.once('exit', (code) => reject(new Error(`the service exited (${code})`)));
        });
        const call = async (authorization) => {
          const res = await fetch(`http://127.0.0.1:${port}/invoices`, {
            headers: authorization === undefined ? {} : { authorization },
          });
          return { status: res.status, body: await res.text() };
        };
        const orders = await call(`Bearer ${ordersToken}`);
        if (orders.status !== 200 || !orders.body.includes('role/orders')) {
          throw new Error(`orders: ${orders.status} ${orders.body}`);
        }
        const reviews = await call(`Bearer ${reviewsToken}`);
        if (reviews.status !== 403) throw new Error(`reviews: ${reviews.status} ${reviews.body}`);
        const none = await call(undefined);
        if (none.status !== 401) throw new Error(`no token: ${none.status} ${none.body}`);
      } finally {
        service.kill();
      }
      // The installed credential helper: the orders SVID buys role credentials from dev's
      // Roles Anywhere emulator, printed as credential_process JSON and nothing else.
      const ra = description.rolesAnywhere;
      const svid = description.x509.workloads.find((w) => w.name === 'orders');
      const printed = run(
        rolegate,
        [
          'credential-process',
          ...['--certificate', svid.cert, '--private-key', svid.key],
          ...['--trust-anchor-arn', ra.trustAnchorArn, '--profile-arn', ra.profileArn],
          ...['--role-arn', ra.roles.orders, '--endpoint', ra.endpoint],
        ],
        { cwd: project, env },
      );
      const credentials = JSON.parse(printed);
      if (credentials.Version !== 1 || !/^ASIA/.test(credentials.AccessKeyId)) {
        throw new Error(`credential-process printed ${Object.keys(credentials)}`);
      }
    } finally {
      dev.kill('SIGTERM');
      await new Promise((r) => (dev.exitCode !== null ? r() : dev.once('exit', r)));
    }
  },
);

if (!keep) rmSync(scratch, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
