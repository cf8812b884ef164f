#!/usr/bin/env node
// Uses the single-file executable (dist-sea/rolegate, from `npm run sea`) the way a stranger would:
// from a scratch folder outside the repository, with no node_modules and no NODE_* variables, so a
// module or file the bundle failed to carry shows up here as a failure.
//   1. `--version` and `policy check` on a file;
//   2. `rolegate dev` started from the binary itself (its STS, Workload API and Roles Anywhere
//      emulators come from the bundled @rolegate/testkit), then from the binary: `token
//      --dev-identity orders`, `credential-process` with the orders SVID's files and again through
//      dev's Workload API (the inlined workload.proto, both ends), and `demo` (gateway included).
// Prints `N passed, N failed` last; exits 1 on any failure. Credentials are checked, never printed.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const rolegate = join(root, 'dist-sea', 'rolegate');
if (!existsSync(rolegate)) {
  console.error('sea smoke: dist-sea/rolegate is missing; run `npm run sea` first');
  process.exit(1);
}
const scratch = mkdtempSync(join(tmpdir(), 'rolegate-sea-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^NODE_/.test(k)));
Object.assign(env, {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
});
const results = [];

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push(false);
    console.log(`FAIL ${name}\n${String(error.stderr ?? '')}${error.stack ?? error}`);
  }
}

const run = (args) =>
  execFileSync(rolegate, args, { cwd: scratch, env, encoding: 'utf8', stdio: 'pipe' });

await step('--version prints the CLI package version', () => {
  const expected = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
  const printed = run(['--version']).trim();
  if (printed !== expected.version) throw new Error(`--version printed ${printed}`);
});

await step('policy check on a file', () => {
  writeFileSync(
    join(scratch, 'policy.json'),
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}',
  );
  const out = run(['policy', 'check', 'policy.json']);
  if (!/valid/.test(out)) throw new Error(out);
});

const stateDir = join(scratch, 'dev');
const dev = spawn(rolegate, ['dev', '--port', '0', '--state-dir', stateDir], {
  cwd: scratch,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let devOutput = '';
dev.stdout.on('data', (d) => (devOutput += d));
dev.stderr.on('data', (d) => (devOutput += d));
let description;

try {
  await step('rolegate dev starts from the binary', async () => {
    const devJson = join(stateDir, 'dev.json');
    for (let i = 0; i < 300 && !existsSync(devJson); i++) {
      if (dev.exitCode !== null) throw new Error(`rolegate dev exited:\n${devOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!existsSync(devJson)) throw new Error(`rolegate dev did not start:\n${devOutput}`);
    description = JSON.parse(readFileSync(devJson, 'utf8'));
  });

  await step('token --dev-identity orders', () => {
    const audience = description.gateway.audience;
    const token = run([
      'token',
      '--dev-identity',
      'orders',
      '--audience',
      audience,
      '--state-dir',
      stateDir,
    ]).trim();
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('not a compact JWS');
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const principal = JSON.stringify(claims);
    if (claims.iss !== description.broker.issuer || claims.aud !== audience)
      throw new Error(`claims iss=${claims.iss} aud=${claims.aud}`);
    if (!principal.includes('role/orders')) throw new Error('the token does not name role/orders');
  });

  const ra = () => description.rolesAnywhere;
  const orders = () => description.x509.workloads.find((w) => w.name === 'orders');
  const checkCredentials = (printed) => {
    const credentials = JSON.parse(printed);
    if (credentials.Version !== 1 || !/^ASIA/.test(credentials.AccessKeyId))
      throw new Error(`credential-process printed the keys ${Object.keys(credentials)}`);
  };
  const raFlags = () => [
    ...['--trust-anchor-arn', ra().trustAnchorArn, '--profile-arn', ra().profileArn],
    ...['--role-arn', ra().roles.orders, '--endpoint', ra().endpoint],
  ];

  await step('credential-process with certificate and key files', () => {
    const svid = orders();
    checkCredentials(
      run([
        'credential-process',
        '--certificate',
        svid.cert,
        '--private-key',
        svid.key,
        ...raFlags(),
      ]),
    );
  });

  await step('credential-process through the Workload API', () => {
    checkCredentials(
      run(['credential-process', '--workload-api', orders().workloadApi, ...raFlags()]),
    );
  });

  await step('demo against it (broker, gateway, SPIFFE walkthrough)', () => {
    const out = run(['demo', '--state-dir', stateDir]);
    if (!/reviews → billing: 403/.test(out)) throw new Error(out);
  });
} finally {
  dev.kill('SIGTERM');
  await new Promise((r) => (dev.exitCode !== null ? r() : dev.once('exit', r)));
}

rmSync(scratch, { recursive: true, force: true });
const failed = results.filter((ok) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
