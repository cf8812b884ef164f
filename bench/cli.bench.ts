// Start-up of the built `rolegate` bin (packages/cli/bin/rolegate.js, which runs dist/): each
// command as a whole process, in turns with the anchor `node -e 0` (A B A B …), so every command
// is compared with a Node start measured under the same machine conditions. Prints each command's
// wall time (median, min, max) and its ratio to the anchor of the same turn (median, min, max),
// beside the target where there is one.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRootAuthority,
  startRolesAnywhereEmulator,
  startStsEmulator,
} from '@rolegate/testkit';
import { serializeEntry } from '../packages/cli/src/token-cache/cache-entry.ts';
import { cacheFileName } from '../packages/cli/src/token-cache/cache-key.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'packages', 'cli', 'bin', 'rolegate.js');
const TURNS = 21;
const WARMUP = 2;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Largest median ratio to `node -e 0` the command should start within. */
  readonly target?: number;
}

/** The dist/ files the bin needs for these commands; missing ones mean no build. */
const BUILT = [
  join(ROOT, 'packages', 'cli', 'dist', 'main.js'),
  ...['core', 'policy'].map((p) => join(ROOT, 'packages', p, 'dist', 'index.js')),
];

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Runs one process to its end; its wall time in milliseconds. Asynchronous, so the emulator this
 * process hosts for `credential-process` can answer while the child runs.
 */
function time(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      const ms = performance.now() - start;
      if (status !== 0)
        reject(new Error(`node ${args.join(' ')} exited with ${status}: ${stderr}`));
      else resolve(ms);
    });
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
/** `median (min–max)`. */
const spread = (values: readonly number[], digits: number) => {
  const [mid, min, max] = [median(values), Math.min(...values), Math.max(...values)];
  return `${mid.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;
};

export default async function cliBench(): Promise<void> {
  console.log('\n## cli: start-up of the built bin, whole processes, in turns with node -e 0');
  const missing = BUILT.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    console.log(`no build (${missing.join(', ')} missing): run \`npm run build\` first`);
    return;
  }
  const cliDir = join(ROOT, 'packages', 'cli');
  if (newest(join(cliDir, 'src')) > newest(join(cliDir, 'dist'))) {
    console.log(
      'note: packages/cli/src is newer than its dist/: run `npm run build` to measure it',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-bench-cli-'));
  const rolesAnywhere = rolesAnywhereTarget(dir);
  const policy = join(dir, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/orders' },
          Action: 'vpc-lattice-svcs:Invoke',
          Resource: 'arn:aws:vpc-lattice:us-west-2:111122223333:service/svc-0123456789abcdef0/*',
          Condition: { StringEquals: { 'vpc-lattice-svcs:RequestMethod': 'GET' } },
        },
      ],
    }),
  );
  const cases: Case[] = [
    { name: 'rolegate --version', args: [BIN, '--version'], target: 3 },
    { name: 'rolegate --help', args: [BIN, '--help'] },
    {
      name: 'rolegate policy check (1 statement)',
      args: [BIN, 'policy', 'check', policy],
      target: 4,
    },
    { name: 'rolegate token --help', args: [BIN, 'token', '--help'] },
    {
      name: 'rolegate token (cached: no proof, no broker)',
      args: [BIN, 'token', ...cachedTokenFlags(dir)],
      target: 4,
    },
    {
      name: 'rolegate credential-process (file key, one CreateSession)',
      args: [BIN, 'credential-process', ...(await rolesAnywhere.flags())],
      target: 4,
    },
  ];
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const anchorArgs = ['-e', '0'];
  try {
    const anchor: number[] = [];
    const wall = cases.map(() => [] as number[]);
    const ratio = cases.map(() => [] as number[]);
    for (let turn = -WARMUP; turn < TURNS; turn++) {
      for (const [i, c] of cases.entries()) {
        const a = await time(anchorArgs, env);
        const ms = await time(c.args, env);
        if (turn < 0) continue;
        anchor.push(a);
        wall[i]!.push(ms);
        ratio[i]!.push(ms / a);
      }
    }
    const rows = [
      { command: 'anchor: node -e 0', 'ms median (min–max)': spread(anchor, 1) },
      ...cases.map((c, i) => ({
        command: c.name,
        'ms median (min–max)': spread(wall[i]!, 1),
        'x anchor median (min–max)': spread(ratio[i]!, 2),
        target: c.target === undefined ? '' : `≤ ${c.target}`,
        met: c.target === undefined ? '' : median(ratio[i]!) <= c.target ? 'yes' : 'NO',
      })),
    ];
    console.table(rows);
    console.log(
      `${TURNS} turns after ${WARMUP} warm-up; ratios are taken turn by turn against the anchor run just before; wall time from spawn to close`,
    );
  } finally {
    await rolesAnywhere.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `rolegate token` flags whose token is already in the cache (a `$(rolegate token …)` before each
 * curl): a dev identity from a written dev.json, a broker that is not listening (a miss would
 * fail the run), and a cache entry valid for an hour.
 */
function cachedTokenFlags(dir: string): string[] {
  const stateDir = join(dir, 'dev');
  const cacheDir = join(dir, 'token-cache');
  mkdirSync(stateDir, { recursive: true });
  mkdirSync(cacheDir, { mode: 0o700 });
  const broker = 'http://127.0.0.1:9';
  const identity = { name: 'orders', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' };
  writeFileSync(
    join(stateDir, 'dev.json'),
    JSON.stringify({ broker: { url: broker }, identities: [identity] }),
  );
  const audience = 'https://billing.example';
  const name = cacheFileName({
    brokerUrls: [broker],
    audience,
    identitySource: `dev-identity:orders:${identity.accessKeyId}`,
  });
  const entry = serializeEntry({
    accessToken: 'cached.token.value',
    tokenType: 'Bearer',
    issuedTokenType: 'urn:ietf:params:oauth:token-type:jwt',
    obtainedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  writeFileSync(join(cacheDir, name), entry, { mode: 0o600 });
  return [
    ...['--dev-identity', 'orders', '--audience', audience],
    ...['--state-dir', stateDir, '--cache-dir', cacheDir],
  ];
}

/**
 * A Roles Anywhere emulator in this process, for `credential-process` to call: it runs on every
 * credential refresh of every SDK, so its start-up includes a real signed CreateSession.
 */
function rolesAnywhereTarget(dir: string) {
  let stop = async () => {};
  return {
    async flags(): Promise<string[]> {
      const root = createRootAuthority();
      const leaf = root.issueLeaf({ keyType: 'ec-p256' });
      const cert = join(dir, 'leaf.pem');
      const key = join(dir, 'leaf-key.pem');
      writeFileSync(cert, leaf.pem);
      writeFileSync(key, leaf.key.privateKeyPem, { mode: 0o600 });
      const sts = await startStsEmulator({ identities: [] });
      const emulator = await startRolesAnywhereEmulator({
        sts,
        trustAnchors: [{ name: 'bench', certificatePem: root.root.pem }],
        profiles: [{ name: 'bench', roleArns: ['arn:aws:iam::111122223333:role/bench'] }],
        roles: [
          {
            name: 'bench',
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'rolesanywhere.amazonaws.com' },
                  Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
                },
              ],
            },
          },
        ],
      });
      stop = async () => {
        await emulator.close();
        await sts.close();
      };
      return [
        ...['--certificate', cert, '--private-key', key],
        ...['--trust-anchor-arn', emulator.trustAnchorArn('bench')],
        ...['--profile-arn', emulator.profileArn('bench')],
        ...['--role-arn', emulator.roleArn('bench'), '--endpoint', emulator.url],
      ];
    },
    close: () => stop(),
  };
}
